import type { ManagedProcess } from '../engine/managed-process.js';
import type { ProcessSnapshot } from '../engine/state-machine.js';

/** How a run ended and what it said last: the part of an alert that explains it. */
export interface FailureDetail {
  /** The pid of the run that failed; null only when it never got one (a failed spawn). */
  readonly pid: number | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** In words: `exit status 1`, `killed by SIGKILL`, `can't find command 'x'` ... */
  readonly reason: string;
  readonly lastLines: readonly string[];
}

/** Lines of output an alert carries. */
export const alertLastLines = 10;

function reasonOf(spawnError: string | null, exitCode: number | null, signal: string | null, why: string | null): string {
  const ended = signal !== null ? `terminated by ${signal}` : exitCode !== null ? `exit status ${exitCode}` : null;
  return [why, ended, ended === null ? spawnError : null].filter((part) => part).join(', ') || 'unknown';
}

/**
 * The one place an alert learns why a process failed. It reads what exists today: the exit
 * in the snapshot and the in-memory ring of recent output (stderr, or stdout when stderr is
 * merged or discarded), once the pipes have drained.
 */
export async function describeFailure(process: ManagedProcess, snapshot: ProcessSnapshot, pid: number | null, why: string | null = null): Promise<FailureDetail> {
  const { exitCode, signal, spawnError } = snapshot;
  // Only an ended run's pipes are waited for: settled() gives up on pipes still open, which a live process's are.
  if (snapshot.pid === null) await process.output.settled();
  const stderr = process.output.isCaptured('stderr') ? process.output.recent('stderr', alertLastLines) : '';
  // A program that reports its errors on stdout is explained by stdout.
  const text = stderr !== '' || !process.output.isCaptured('stdout') ? stderr : process.output.recent('stdout', alertLastLines);
  const lastLines = text.split('\n').filter((line, index, lines) => line !== '' || index < lines.length - 1);
  return { pid, exitCode, signal, reason: reasonOf(spawnError, exitCode, signal, why), lastLines };
}
