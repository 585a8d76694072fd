import type { Readable } from 'node:stream';
import type { RunRecord } from '../contracts/process-info.js';
import type { TerminalStrategy } from './child-handle.js';
import type { ManagedProcess } from './managed-process.js';
import type { RunOutput } from './run-output.js';
import type { ProcessSnapshot } from './state-machine.js';

/** How a run ended, as the history and the poststop hook see it. */
export interface RunEnd {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly result: RunRecord['result'];
  /** What the run wrote last; its lastSettled waits for the pipes to end. */
  readonly output: RunOutput;
}

/** How the run that just ended counts in the history, from the snapshot after its exit. */
export function runResultOf(snapshot: ProcessSnapshot): RunRecord['result'] {
  if (snapshot.timedOut) return 'timeout';
  if (snapshot.state === 'STOPPED') return 'stopped';
  return snapshot.exitExpected === true ? 'success' : 'failure';
}

/**
 * The one port between the engine and the features around it (ports, hooks, ready checks,
 * dependencies, run history). The engine calls it at fixed points of a process's life and
 * never knows what is plugged in.
 */
export interface ProcessExtensions {
  /** True when a spawn must wait for beforeSpawn (a port to check, a prestart hook). */
  needsPreparation(process: ManagedProcess): boolean;
  /** Runs before each spawn; a rejection fails the spawn with its message. */
  beforeSpawn(process: ManagedProcess): Promise<void>;
  afterSpawn(process: ManagedProcess, startedAtMs: number): void;
  afterExit(process: ManagedProcess, run: RunEnd): void;
  /** Checks readiness until it passes (then calls passed) or stopReady is called. */
  startReady(process: ManagedProcess, passed: () => void): void;
  stopReady(process: ManagedProcess): void;
  /** Why the ready check of the current run has not passed yet (the last probe's error). */
  readyDetail(process: ManagedProcess): string | null;
  /** What its start waits for (a dependency), said instead of how the last run ended; null when nothing. */
  blockedReason(process: ManagedProcess): string | null;
  /** Who reads the child's stdout instead of its output file (an event listener's protocol), or null. */
  stdoutChannel(process: ManagedProcess): ((stdout: Readable) => void) | null;
  /** Spawns and watches `tty: true` programs; ready once beforeSpawn of such a program has resolved (the pty library loads lazily). */
  terminals(): TerminalStrategy;
  /** What status adds after the engine's own description (health, port, next run...). */
  statusNotes(process: ManagedProcess, nowMs: number): readonly string[];
}
