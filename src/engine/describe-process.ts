import { formatDelay } from './crash-loop.js';
import { formatStopTime, formatUptime } from '../output/format-time.js';
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
}

/** supervisord's status descriptions, plus what our own states wait for. */
export function describeProcess(input: DescriptionInput): string {
  const { state, pid, exitCode, signal, spawnError, readyPassed, backoffKind } = input.snapshot;
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
      if (backoffKind === 'crash_loop') return `restarting in ${retryIn} (${spawnError ?? 'crash loop'})`;
      if (backoffKind === 'resources') return `${spawnError ?? 'out of resources'}; retrying in ${retryIn}`;
      return spawnError ?? '';
    }
    case 'FATAL':
      return spawnError ?? '';
    case 'EXITED':
      return `${describeExit(exitCode, signal)}, ${formatStopTime(input.stoppedAtMs ?? input.nowMs)}`;
    case 'STOPPED':
      return input.stoppedAtMs === null || input.startedAtMs === null ? 'Not started' : formatStopTime(input.stoppedAtMs);
  }
}
