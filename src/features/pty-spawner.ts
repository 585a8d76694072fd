import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { Readable, Writable } from 'node:stream';
import type { TerminalSize } from '../contracts/terminal-attach.js';
import type { TerminalChild, TerminalSpawner, TerminalStrategy } from '../engine/child-handle.js';
import { spawnTerminalChild } from '../engine/spawn-terminal.js';
import { TerminalSession } from '../engine/terminal-session.js';
import type { LaunchPlan } from '../engine/spawn-child.js';

/** What taskmaster uses of @lydell/node-pty, with `encoding: null` (its typings assume strings). */
interface Pty {
  readonly pid: number;
  onData(listener: (data: Buffer) => void): unknown;
  onExit(listener: (exit: { exitCode: number; signal?: number }) => void): unknown;
  write(data: Buffer): void;
  resize(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
}

interface PtyModule {
  spawn(file: string, args: string[], options: { name: string; cols: number; rows: number; cwd: string; env: Record<string, string>; encoding: null }): Pty;
}

const signalNames = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]));

/** A pty as the engine sees a child: its master side is stdin and stdout, paused while the output pump is behind. */
class PtyChild extends EventEmitter implements TerminalChild {
  readonly pid: number;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr = null;
  private exited = false;

  constructor(private readonly pty: Pty) {
    super();
    this.pid = pty.pid;
    this.stdout = new Readable({ read: () => pty.resume() });
    pty.onData((data) => {
      if (!this.stdout.push(data)) pty.pause();
    });
    this.stdin = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        // After the exit the master is closed: what is typed then has nowhere to go.
        if (!this.exited) pty.write(chunk);
        done();
      },
    });
    // node-pty reports the exit once the master has read everything (or 200 ms later, when a descendant keeps the terminal open).
    pty.onExit(({ exitCode, signal }) => {
      this.exited = true;
      this.stdout.push(null);
      const signalName = signal ? (signalNames.get(signal) ?? null) : null;
      this.emit('exit', signalName === null ? exitCode : null, signalName);
    });
  }

  resize(size: TerminalSize): void {
    if (!this.exited) this.pty.resize(size.cols, size.rows);
  }
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) result[name] = value;
  return result;
}

let strategy: TerminalStrategy | null = null;

/** Loads the pty library on the first `tty: true` spawn, so a supervisor without one never opens it. */
export function loadPtyStrategy(): TerminalStrategy {
  if (strategy) return strategy;
  const ptyModule = createRequire(import.meta.url)('@lydell/node-pty') as PtyModule;
  const spawner: TerminalSpawner = (plan: LaunchPlan, size: TerminalSize) => {
    const pty = ptyModule.spawn(plan.file, [...plan.args], {
      name: plan.env['TERM'] ?? 'xterm-256color',
      cols: size.cols,
      rows: size.rows,
      cwd: plan.cwd ?? process.cwd(),
      env: definedOnly(plan.env),
      encoding: null,
    });
    return new PtyChild(pty);
  };
  strategy = { spawn: (request) => spawnTerminalChild(request, spawner), open: (child, output, discarded, name) => TerminalSession.open(child, output, discarded, name) };
  return strategy;
}
