import { formatDelay } from './crash-loop.js';
import { formatStopTime, formatUptime } from '../output/format-time.js';
import type { FailureFields } from './failure-report.js';
import { describeExit, type ProcessSnapshot } from './state-machine.js';

/** What status says of a process besides its state; pure, from what its adapter knows. */
export interface DescriptionInput {
  readonly snapshot: ProcessSnapshot;
  readonly uptimeSeconds: number;
  readonly nowMs: number;
  readonly hasReadyCheck: boolean;
  readonly readyDetail: string | null;
  /** What its start waits for (a dependency). */
  readonly blockedReason: string | null;
  readonly backoffDueMs: number | null;
  readonly startedAtMs: number | null;
  readonly stoppedAtMs: number | null;
  /** Why the last run or start failed, and the file with the rest of its output. */
  readonly failure: FailureFields;
}

/** `exit status 3; see /var/log/web.stderr.log`: how the run ended and where to read more; null when no run failed. */
function exitAndFile(failure: FailureFields): string | null {
  if (failure.lastLinesStream === null) return null;
  return `${failure.exitReason}${failure.lastLinesFile === null ? '' : `; see ${failure.lastLinesFile}`}`;
}

/** supervisord's status descriptions, plus what our own states wait for. */
export function describeProcess(input: DescriptionInput): string {
  const { state, pid, exitCode, signal, spawnError, readyPassed, backoffKind } = input.snapshot;
  const ended = exitAndFile(input.failure);
  // A start waiting for its dependencies says so, whatever ended the last run.
  if (input.blockedReason !== null && (state === 'STOPPED' || state === 'EXITED' || state === 'FATAL')) return input.blockedReason;
  switch (state) {
    case 'RUNNING':
      return `pid ${pid}, uptime ${formatUptime(input.uptimeSeconds)}`;
    case 'STARTING':
      if (pid !== null && input.hasReadyCheck && !readyPassed) return `pid ${pid}, waiting for ready check${input.readyDetail ? ` (${input.readyDetail})` : ''}`;
      return pid === null ? '' : `pid ${pid}`;
    case 'STOPPING':
      return pid === null ? '' : `pid ${pid}`;
    case 'BACKOFF': {
      const retryIn = formatDelay(Math.max(0, Math.ceil(((input.backoffDueMs ?? input.nowMs) - input.nowMs) / 1000) * 1000));
      if (backoffKind === 'crash_loop') return `restarting in ${retryIn} (${spawnError ?? 'crash loop'}${ended === null ? '' : `; ${ended}`})`;
      if (backoffKind === 'resources') return `${spawnError ?? 'out of resources'}; retrying in ${retryIn}`;
      return withEnd(spawnError, ended);
    }
    case 'FATAL':
      return withEnd(spawnError, ended);
    case 'EXITED': {
      const file = input.failure.lastLinesFile;
      return `${describeExit(exitCode, signal)}, ${formatStopTime(input.stoppedAtMs ?? input.nowMs)}${file === null ? '' : `; see ${file}`}`;
    }
    case 'STOPPED':
      return input.stoppedAtMs === null || input.startedAtMs === null ? 'Not started' : formatStopTime(input.stoppedAtMs);
  }
}

/** `Exited too quickly (exit status 3; see FILE)`; the spawn error alone when the process never ran. */
function withEnd(spawnError: string | null, ended: string | null): string {
  if (ended === null) return spawnError ?? '';
  if (spawnError === null) return ended;
  // A reason that already ends in parentheses (the ready check's last error) is not nested in more.
  return spawnError.endsWith(')') ? `${spawnError}; ${ended}` : `${spawnError} (${ended})`;
}
