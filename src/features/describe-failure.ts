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
 * The one place an alert learns why a process failed: the exit in the snapshot of the change,
 * and the last lines of the run that ended (stderr, or stdout when stderr is merged or empty),
 * from the engine's ring of each run's output once that run's pipes have ended.
 */
export async function describeFailure(process: ManagedProcess, snapshot: ProcessSnapshot, pid: number | null, why: string | null = null): Promise<FailureDetail> {
  const { exitCode, signal, spawnError } = snapshot;
  // Taken now: an immediate restart would make the next run the last one.
  const run = process.output.lastRun;
  // A live process (timeout, unhealthy) has nothing to wait for; an ended run's final words may still be in its pipes.
  const output = run === null ? null : snapshot.pid === null ? await run.lastSettled(alertLastLines) : run.last(alertLastLines);
  // A spawn that failed ran nothing: lines from an earlier run would mislead.
  const lastLines = pid === null ? [] : (output?.lines ?? []);
  return { pid, exitCode, signal, reason: reasonOf(spawnError, exitCode, signal, why), lastLines: [...lastLines] };
}
