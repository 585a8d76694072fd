import type { Readable, Writable } from 'node:stream';
import type { TerminalSize } from '../contracts/terminal-attach.js';
import type { LaunchPlan } from './spawn-child.js';

/** What the engine uses of a child, whether Node spawned it on pipes or a terminal spawner did. */
export interface ChildHandle {
  readonly pid?: number | undefined;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  on(event: 'error', listener: (error: Error) => void): this;
  once(event: 'error', listener: (error: NodeJS.ErrnoException) => void): this;
  once(event: 'exit', listener: (exitCode: number | null, signal: NodeJS.Signals | null) => void): this;
}

/** A child on a pseudo-terminal: stdin and stdout are its master side, and it has a window size. */
export interface TerminalChild extends ChildHandle {
  readonly stdin: Writable;
  readonly stdout: Readable;
  resize(size: TerminalSize): void;
}

/**
 * Forks a planned launch onto a new pseudo-terminal, synchronously (so the umask around it
 * holds), as session leader with the terminal as its controlling one. Throws when it cannot.
 */
export type TerminalSpawner = (plan: LaunchPlan, size: TerminalSize) => TerminalChild;
