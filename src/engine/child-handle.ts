import type { Readable, Writable } from 'node:stream';
import type { TerminalSize } from '../contracts/terminal-attach.js';
import type { ProcessOutput } from './process-output.js';
import type { LaunchPlan, SpawnFailure, SpawnRequest } from './spawn-child.js';
import type { TerminalSession } from './terminal-session.js';

export type { TerminalSession };

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

/**
 * How `tty: true` processes are spawned and watched: handed to the engine through its
 * extension port once the pty library is loaded, so neither it nor these modules load at start.
 */
export interface TerminalStrategy {
  spawn(request: SpawnRequest): { ok: true; child: TerminalChild; warning: string | null } | SpawnFailure;
  /** The viewers of one run, fed with what the output pump reads from its terminal. */
  open(child: TerminalChild, output: ProcessOutput, discarded: boolean, name: string): TerminalSession;
}
