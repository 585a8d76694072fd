import type { ProgramConfig } from '../config/types.js';

export type ProcessState = 'STOPPED' | 'STARTING' | 'RUNNING' | 'BACKOFF' | 'STOPPING' | 'EXITED' | 'FATAL';

export const runningStates: readonly ProcessState[] = ['STARTING', 'RUNNING', 'BACKOFF', 'STOPPING'];

export type ProcessEvent =
  | { readonly type: 'start' }
  | { readonly type: 'spawned'; readonly pid: number }
  | { readonly type: 'spawnFailed'; readonly reason: string }
  | { readonly type: 'startTimeElapsed' }
  | { readonly type: 'exited'; readonly exitCode: number | null; readonly signal: NodeJS.Signals | null }
  | { readonly type: 'backoffElapsed' }
  | { readonly type: 'stop' }
  | { readonly type: 'stopTimeElapsed' }
  | { readonly type: 'timeoutElapsed' }
  | { readonly type: 'readyPassed' };

export type TimerName = 'start' | 'backoff' | 'stop' | 'timeout';

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
  'autorestart' | 'exitCodes' | 'startRetries' | 'startTimeMs' | 'stopSignal' | 'stopTimeMs' | 'stopAsGroup' | 'killAsGroup' | 'timeoutMs' | 'ready'
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
  };
}

/** supervisord's wording for how a process ended. */
export function describeExit(exitCode: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `terminated by ${signal}` : `exit status ${exitCode ?? 0}`;
}

const ignored: Transition = { accepted: false, reason: 'IGNORED' };

function accept(snapshot: ProcessSnapshot, effects: Effect[]): Transition {
  return { accepted: true, snapshot, effects };
}

/** Enters BACKOFF after a failed start, or FATAL once the retries are used up. */
function failStart(current: ProcessSnapshot, policy: Policy, changes: Partial<ProcessSnapshot>, effects: Effect[]): Transition {
  const backoff = current.backoff + 1;
  if (backoff > policy.startRetries) {
    return accept({ ...current, ...changes, state: 'FATAL', backoff: 0, pid: null }, [
      ...effects,
      { type: 'log', level: 'info', event: 'gave_up', message: `gave up: ${current.name} entered FATAL state, too many start retries too quickly` },
    ]);
  }
  return accept({ ...current, ...changes, state: 'BACKOFF', backoff, pid: null }, [
    ...effects,
    { type: 'log', level: 'info', event: 'backoff', message: `backoff: ${current.name} will retry in ${backoff}s (attempt ${backoff + 1} of ${policy.startRetries + 1})`, fields: { retryInMs: backoff * 1000 } },
    { type: 'startTimer', timer: 'backoff', ms: backoff * 1000 },
  ]);
}

function onExit(current: ProcessSnapshot, policy: Policy, exitCode: number | null, signal: NodeJS.Signals | null): Transition {
  const how = describeExit(exitCode, signal);
  const exitFields = { pid: null, exitCode, signal, killed: false };
  const reap: Effect[] = [{ type: 'clearTimers' }, { type: 'reapGroup' }];
  switch (current.state) {
    case 'STOPPING':
      if (current.timedOut) {
        // A run stopped for its timeout ended badly: it restarts as an unexpected exit would.
        return accept({ ...current, ...exitFields, state: 'EXITED', exitExpected: false, spawnError: null }, [
          ...reap,
          { type: 'log', level: 'info', event: 'exited', message: `exited: ${current.name} (${how}; timed out)`, fields: { exitCode, signal, expected: false, timedOut: true } },
          ...(policy.autorestart === 'never' ? [] : [{ type: 'restart' } as const]),
        ]);
      }
      return accept({ ...current, ...exitFields, state: 'STOPPED', exitExpected: null }, [
        ...reap,
        { type: 'log', level: 'info', event: 'stopped', message: `stopped: ${current.name} (${how})`, fields: { exitCode, signal } },
      ]);
    case 'STARTING':
      return failStart(current, policy, { ...exitFields, exitExpected: false, spawnError: 'Exited too quickly (process log may have details)' }, [
        ...reap,
        { type: 'log', level: 'info', event: 'exited', message: `exited: ${current.name} (${how}; not expected)`, fields: { exitCode, signal, expected: false } },
      ]);
    case 'RUNNING': {
      const expected = signal === null && exitCode !== null && policy.exitCodes.includes(exitCode);
      const restart = policy.autorestart === 'always' || (policy.autorestart === 'unexpected' && !expected);
      const effects: Effect[] = [
        ...reap,
        { type: 'log', level: 'info', event: 'exited', message: `exited: ${current.name} (${how}; ${expected ? 'expected' : 'not expected'})`, fields: { exitCode, signal, expected } },
      ];
      if (restart) effects.push({ type: 'restart' });
      return accept({ ...current, ...exitFields, state: 'EXITED', exitExpected: expected, spawnError: null }, effects);
    }
    case 'STOPPED':
    case 'BACKOFF':
    case 'EXITED':
    case 'FATAL':
      return ignored;
  }
}

/** The whole lifecycle of one process: supervisord's states and transitions, and nothing else. */
export function transition(current: ProcessSnapshot, event: ProcessEvent, policy: Policy): Transition {
  switch (event.type) {
    case 'start':
      if (current.state === 'STARTING' || current.state === 'RUNNING' || current.state === 'STOPPING') {
        return { accepted: false, reason: 'ALREADY_STARTED' };
      }
      return accept({ ...current, state: 'STARTING', backoff: current.state === 'BACKOFF' ? current.backoff : 0, spawnError: null, killed: false, timedOut: false, startTimePassed: false, readyPassed: false }, [
        { type: 'clearTimers' },
        { type: 'spawn' },
      ]);
    case 'spawned': {
      if (current.state !== 'STARTING') return ignored;
      const runTimers: Effect[] = policy.timeoutMs > 0 ? [{ type: 'startTimer', timer: 'timeout', ms: policy.timeoutMs }] : [];
      if (policy.ready) {
        return accept({ ...current, pid: event.pid, exitCode: null, signal: null, exitExpected: null, startTimePassed: policy.startTimeMs === 0 }, [
          { type: 'log', level: 'info', event: 'spawned', message: `spawned: '${current.name}' with pid ${event.pid}`, fields: { pid: event.pid } },
          ...runTimers,
          ...(policy.startTimeMs > 0 ? [{ type: 'startTimer', timer: 'start', ms: policy.startTimeMs } as const] : []),
          { type: 'probeReady' },
        ]);
      }
      if (policy.startTimeMs === 0) {
        return accept({ ...current, pid: event.pid, exitCode: null, signal: null, exitExpected: null, state: 'RUNNING', backoff: 0 }, [
          { type: 'log', level: 'info', event: 'spawned', message: `spawned: '${current.name}' with pid ${event.pid}`, fields: { pid: event.pid } },
          { type: 'log', level: 'info', event: 'running', message: `success: ${current.name} entered RUNNING state, process has stayed up for > than 0 seconds (startsecs)` },
          ...runTimers,
        ]);
      }
      return accept({ ...current, pid: event.pid, exitCode: null, signal: null, exitExpected: null }, [
        { type: 'log', level: 'info', event: 'spawned', message: `spawned: '${current.name}' with pid ${event.pid}`, fields: { pid: event.pid } },
        { type: 'startTimer', timer: 'start', ms: policy.startTimeMs },
        ...runTimers,
      ]);
    }
    case 'spawnFailed':
      if (current.state !== 'STARTING') return ignored;
      return failStart(current, policy, { spawnError: event.reason, exitCode: null, signal: null, exitExpected: null }, [
        { type: 'log', level: 'info', event: 'spawn_error', message: `spawnerr: ${event.reason}`, fields: { reason: event.reason } },
      ]);
    case 'readyPassed':
      if (current.state !== 'STARTING' || current.pid === null || current.readyPassed) return ignored;
      if (!current.startTimePassed) return accept({ ...current, readyPassed: true }, []);
      return accept({ ...current, readyPassed: true, state: 'RUNNING', backoff: 0 }, [
        { type: 'log', level: 'info', event: 'running', message: `success: ${current.name} entered RUNNING state, its ready check passed` },
      ]);
    case 'startTimeElapsed':
      if (current.state !== 'STARTING' || current.pid === null) return ignored;
      if (policy.ready && !current.readyPassed) return accept({ ...current, startTimePassed: true }, []);
      return accept({ ...current, state: 'RUNNING', backoff: 0 }, [
        { type: 'log', level: 'info', event: 'running', message: `success: ${current.name} entered RUNNING state, process has stayed up for > than ${policy.startTimeMs / 1000} seconds (startsecs)` },
      ]);
    case 'exited':
      return onExit(current, policy, event.exitCode, event.signal);
    case 'backoffElapsed':
      if (current.state !== 'BACKOFF') return ignored;
      return accept({ ...current, state: 'STARTING', startTimePassed: false, readyPassed: false, timedOut: false }, [{ type: 'spawn' }]);
    case 'stop':
      if (current.state === 'BACKOFF') {
        return accept({ ...current, state: 'STOPPED', backoff: 0 }, [
          { type: 'clearTimers' },
          { type: 'log', level: 'info', event: 'stopped', message: `stopped: ${current.name} (was in BACKOFF, no process to signal)` },
        ]);
      }
      if (current.state === 'STARTING' && current.pid === null) {
        return accept({ ...current, state: 'STOPPED', backoff: 0 }, [{ type: 'clearTimers' }]);
      }
      if (current.state !== 'STARTING' && current.state !== 'RUNNING') {
        return { accepted: false, reason: 'NOT_RUNNING' };
      }
      return accept({ ...current, state: 'STOPPING' }, [
        { type: 'clearTimers' },
        { type: 'log', level: 'info', event: 'stopping', message: `waiting for ${current.name} to stop: sent ${policy.stopSignal} to pid ${current.pid}${policy.stopAsGroup ? ' and its process group' : ''}`, fields: { signal: policy.stopSignal } },
        { type: 'signal', signal: policy.stopSignal, group: policy.stopAsGroup },
        { type: 'startTimer', timer: 'stop', ms: policy.stopTimeMs },
      ]);
    case 'timeoutElapsed':
      if ((current.state !== 'STARTING' && current.state !== 'RUNNING') || current.pid === null) return ignored;
      return accept({ ...current, state: 'STOPPING', timedOut: true }, [
        { type: 'clearTimers' },
        { type: 'log', level: 'warn', event: 'timeout', message: `timeout: ${current.name} ran longer than ${policy.timeoutMs / 1000} seconds, sending ${policy.stopSignal}`, fields: { timeoutMs: policy.timeoutMs } },
        { type: 'signal', signal: policy.stopSignal, group: policy.stopAsGroup },
        { type: 'startTimer', timer: 'stop', ms: policy.stopTimeMs },
      ]);
    case 'stopTimeElapsed':
      if (current.state !== 'STOPPING' || current.pid === null) return ignored;
      return accept({ ...current, killed: true }, [
        { type: 'log', level: 'warn', event: 'killed', message: `killing '${current.name}' (${current.pid}) with SIGKILL`, fields: { signal: 'SIGKILL' } },
        { type: 'signal', signal: 'SIGKILL', group: policy.killAsGroup },
      ]);
  }
}
