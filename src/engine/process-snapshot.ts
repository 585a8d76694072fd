// The vocabulary of the state machine: events in, effects out, and the snapshot it keeps.
import type { ProgramConfig } from '../config/types.js';
import type { ProcessState } from '../contracts/process-info.js';

export type { ProcessState };

export const runningStates: readonly ProcessState[] = ['STARTING', 'RUNNING', 'BACKOFF', 'STOPPING'];

export type ProcessEvent =
  | { readonly type: 'start' }
  | { readonly type: 'spawned'; readonly pid: number }
  /** `transient`: the supervisor itself ran out of something (EMFILE...): retried, not counted. */
  | { readonly type: 'spawnFailed'; readonly reason: string; readonly transient?: boolean }
  | { readonly type: 'startTimeElapsed' }
  /** `runMs`: how long the run lasted, for crash-loop detection; missing means long. */
  | { readonly type: 'exited'; readonly exitCode: number | null; readonly signal: NodeJS.Signals | null; readonly runMs?: number }
  | { readonly type: 'backoffElapsed' }
  | { readonly type: 'stop' }
  | { readonly type: 'stopTimeElapsed' }
  | { readonly type: 'timeoutElapsed' }
  | { readonly type: 'readyPassed' }
  | { readonly type: 'readyDeadlineElapsed'; readonly detail: string | null };

export type TimerName = 'start' | 'backoff' | 'stop' | 'timeout' | 'ready';

/** Why a process waits in BACKOFF: a failed start, a crash loop, or a resource the supervisor ran out of. */
export type BackoffKind = 'start' | 'crash_loop' | 'resources';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What the adapter must do after a transition; the machine itself never acts. */
export type Effect =
  | { readonly type: 'spawn' }
  | { readonly type: 'startTimer'; readonly timer: TimerName; readonly ms: number }
  | { readonly type: 'probeReady' }
  | { readonly type: 'clearTimers' }
  | { readonly type: 'signal'; readonly signal: NodeJS.Signals; readonly group: boolean }
  | { readonly type: 'reapGroup' }
  | { readonly type: 'log'; readonly level: LogLevel; readonly event: string; readonly message: string; readonly fields?: Readonly<Record<string, unknown>> }
  | { readonly type: 'restart' };

/**
 * Supervision settings the machine consults; they can change in place on reload.
 * `timeoutMs` stops a run that lasts too long; a `ready` check must pass before RUNNING.
 */
export type Policy = Pick<
  ProgramConfig,
  'autorestart' | 'exitCodes' | 'startRetries' | 'startTimeMs' | 'stopSignal' | 'stopTimeMs' | 'stopAsGroup' | 'killAsGroup' | 'timeoutMs' | 'ready' | 'crashLoop'
>;

export interface ProcessSnapshot {
  readonly name: string;
  readonly state: ProcessState;
  readonly pid: number | null;
  /** Failed starts in a row; reset once a start reaches RUNNING. */
  readonly backoff: number;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly exitExpected: boolean | null;
  readonly spawnError: string | null;
  /** True when the process was asked to stop and is being killed (SIGKILL sent). */
  readonly killed: boolean;
  /** True when the current run was stopped for exceeding its timeout. */
  readonly timedOut: boolean;
  /** While STARTING: what RUNNING still waits for. */
  readonly startTimePassed: boolean;
  readonly readyPassed: boolean;
  /** Runs in a row that ended soon after they started (crash-loop backoff). */
  readonly quickExits: number;
  /** Spawns in a row that failed for lack of descriptors or processes; never counted as failed starts. */
  readonly resourceRetries: number;
  readonly backoffKind: BackoffKind | null;
  /** Set while a start that failed (ready deadline) is being stopped: the reason its exit is a failed start. */
  readonly startFailure: string | null;
}

export type Transition =
  | { readonly accepted: true; readonly snapshot: ProcessSnapshot; readonly effects: readonly Effect[] }
  | { readonly accepted: false; readonly reason: 'ALREADY_STARTED' | 'NOT_RUNNING' | 'IGNORED' };

export function initialSnapshot(name: string): ProcessSnapshot {
  return {
    name,
    state: 'STOPPED',
    pid: null,
    backoff: 0,
    exitCode: null,
    signal: null,
    exitExpected: null,
    spawnError: null,
    killed: false,
    timedOut: false,
    startTimePassed: false,
    readyPassed: false,
    quickExits: 0,
    resourceRetries: 0,
    backoffKind: null,
    startFailure: null,
  };
}
