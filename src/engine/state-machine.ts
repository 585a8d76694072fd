import { decideRestart, formatDelay } from './crash-loop.js';
import { type Effect, type Policy, type ProcessEvent, type ProcessSnapshot, type Transition } from './process-snapshot.js';

export { initialSnapshot, runningStates } from './process-snapshot.js';
export type { BackoffKind, Effect, LogLevel, Policy, ProcessEvent, ProcessSnapshot, ProcessState, TimerName, Transition } from './process-snapshot.js';

/** supervisord's wording for how a process ended. */
export function describeExit(exitCode: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `terminated by ${signal}` : `exit status ${exitCode ?? 0}`;
}

const ignored: Transition = { accepted: false, reason: 'IGNORED' };

/** Retries of a spawn that failed on EMFILE and the like: soon, then every few seconds. */
const resourceRetryFirstMs = 250;
const resourceRetryMaxMs = 5000;

function accept(snapshot: ProcessSnapshot, effects: Effect[]): Transition {
  return { accepted: true, snapshot, effects };
}

/** Enters BACKOFF after a failed start, or FATAL once the retries are used up. */
function failStart(current: ProcessSnapshot, policy: Policy, changes: Partial<ProcessSnapshot>, effects: Effect[]): Transition {
  const backoff = current.backoff + 1;
  if (backoff > policy.startRetries) {
    return accept({ ...current, ...changes, state: 'FATAL', backoff: 0, quickExits: 0, backoffKind: null, pid: null }, [
      ...effects,
      { type: 'log', level: 'info', event: 'gave_up', message: `gave up: ${current.name} entered FATAL state, too many start retries too quickly` },
    ]);
  }
  return accept({ ...current, ...changes, state: 'BACKOFF', backoff, backoffKind: 'start', pid: null }, [
    ...effects,
    { type: 'log', level: 'info', event: 'backoff', message: `backoff: ${current.name} will retry in ${backoff}s (attempt ${backoff + 1} of ${policy.startRetries + 1})`, fields: { retryInMs: backoff * 1000 } },
    { type: 'startTimer', timer: 'backoff', ms: backoff * 1000 },
  ]);
}

/** After a run that will restart: at once, after a crash-loop delay, or FATAL at the limit. */
function restartAfter(current: ProcessSnapshot, policy: Policy, runMs: number, exited: ProcessSnapshot, effects: Effect[]): Transition {
  const decision = decideRestart(current.quickExits, runMs, policy.crashLoop);
  const within = formatDelay(policy.crashLoop?.quickExitMs ?? 0);
  switch (decision.kind) {
    case 'now':
      return accept({ ...exited, quickExits: decision.quickExits }, [...effects, { type: 'restart' }]);
    case 'give_up': {
      const reason = `crash loop: ${decision.quickExits} quick exits in a row`;
      return accept({ ...exited, state: 'FATAL', quickExits: 0, backoff: 0, spawnError: reason }, [
        ...effects,
        { type: 'log', level: 'warn', event: 'gave_up', message: `gave up: ${current.name} entered FATAL state, ${reason} (each within ${within} of its start)`, fields: { quickExits: decision.quickExits } },
      ]);
    }
    case 'later':
      return accept({ ...exited, state: 'BACKOFF', backoffKind: 'crash_loop', quickExits: decision.quickExits, spawnError: `crash loop: ${decision.quickExits} quick exits` }, [
        ...effects,
        { type: 'log', level: 'warn', event: 'crash_loop', message: `crash loop: ${current.name} exited ${decision.quickExits} times in a row within ${within} of its start, restarting in ${formatDelay(decision.delayMs)}`, fields: { quickExits: decision.quickExits, retryInMs: decision.delayMs } },
        { type: 'startTimer', timer: 'backoff', ms: decision.delayMs },
      ]);
  }
}

function onExit(current: ProcessSnapshot, policy: Policy, exitCode: number | null, signal: NodeJS.Signals | null, runMs: number): Transition {
  const how = describeExit(exitCode, signal);
  const exitFields = { pid: null, exitCode, signal, killed: false, startFailure: null };
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
      if (current.startFailure !== null) {
        return failStart(current, policy, { ...exitFields, exitExpected: false, spawnError: current.startFailure }, [
          ...reap,
          { type: 'log', level: 'info', event: 'exited', message: `exited: ${current.name} (${how}; its start failed)`, fields: { exitCode, signal, expected: false } },
        ]);
      }
      return accept({ ...current, ...exitFields, state: 'STOPPED', exitExpected: null, quickExits: 0 }, [
        ...reap,
        { type: 'log', level: 'info', event: 'stopped', message: `stopped: ${current.name} (${how})`, fields: { exitCode, signal } },
      ]);
    case 'STARTING':
      return failStart(current, policy, { ...exitFields, exitExpected: false, spawnError: 'Exited too quickly' }, [
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
      const exited: ProcessSnapshot = { ...current, ...exitFields, state: 'EXITED', exitExpected: expected, spawnError: null, backoffKind: null };
      if (restart) return restartAfter(current, policy, runMs, exited, effects);
      return accept({ ...exited, quickExits: 0 }, effects);
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
      return accept({ ...current, state: 'STARTING', backoff: current.state === 'BACKOFF' ? current.backoff : 0, spawnError: null, killed: false, timedOut: false, startTimePassed: false, readyPassed: false, backoffKind: null, startFailure: null }, [
        { type: 'clearTimers' },
        { type: 'spawn' },
      ]);
    case 'spawned': {
      if (current.state !== 'STARTING') return ignored;
      const runTimers: Effect[] = policy.timeoutMs > 0 ? [{ type: 'startTimer', timer: 'timeout', ms: policy.timeoutMs }] : [];
      const fresh = { pid: event.pid, exitCode: null, signal: null, exitExpected: null, resourceRetries: 0 };
      if (policy.ready) {
        return accept({ ...current, ...fresh, startTimePassed: policy.startTimeMs === 0 }, [
          { type: 'log', level: 'info', event: 'spawned', message: `spawned: '${current.name}' with pid ${event.pid}`, fields: { pid: event.pid } },
          ...runTimers,
          ...(policy.startTimeMs > 0 ? [{ type: 'startTimer', timer: 'start', ms: policy.startTimeMs } as const] : []),
          ...(policy.ready.deadlineMs > 0 ? [{ type: 'startTimer', timer: 'ready', ms: policy.ready.deadlineMs } as const] : []),
          { type: 'probeReady' },
        ]);
      }
      if (policy.startTimeMs === 0) {
        return accept({ ...current, ...fresh, state: 'RUNNING', backoff: 0 }, [
          { type: 'log', level: 'info', event: 'spawned', message: `spawned: '${current.name}' with pid ${event.pid}`, fields: { pid: event.pid } },
          { type: 'log', level: 'info', event: 'running', message: `success: ${current.name} entered RUNNING state, process has stayed up for > than 0 seconds (startsecs)` },
          ...runTimers,
        ]);
      }
      return accept({ ...current, ...fresh }, [
        { type: 'log', level: 'info', event: 'spawned', message: `spawned: '${current.name}' with pid ${event.pid}`, fields: { pid: event.pid } },
        { type: 'startTimer', timer: 'start', ms: policy.startTimeMs },
        ...runTimers,
      ]);
    }
    case 'spawnFailed': {
      if (current.state !== 'STARTING') return ignored;
      if (event.transient === true) {
        const resourceRetries = current.resourceRetries + 1;
        const delayMs = Math.min(resourceRetryMaxMs, resourceRetryFirstMs * 2 ** Math.min(resourceRetries - 1, 10));
        return accept({ ...current, state: 'BACKOFF', backoffKind: 'resources', resourceRetries, spawnError: event.reason, pid: null }, [
          // The first failure of an outage is news; the retries that follow are not.
          { type: 'log', level: resourceRetries === 1 ? 'warn' : 'debug', event: 'spawn_error', message: `spawnerr: ${event.reason}; retrying in ${formatDelay(delayMs)}, not counted against startretries`, fields: { reason: event.reason, transient: true, retryInMs: delayMs } },
          { type: 'startTimer', timer: 'backoff', ms: delayMs },
        ]);
      }
      return failStart(current, policy, { spawnError: event.reason, exitCode: null, signal: null, exitExpected: null }, [
        { type: 'log', level: 'info', event: 'spawn_error', message: `spawnerr: ${event.reason}`, fields: { reason: event.reason } },
      ]);
    }
    case 'readyDeadlineElapsed': {
      if (current.state !== 'STARTING' || current.pid === null || current.readyPassed || !policy.ready) return ignored;
      const reason = `ready check did not pass within ${formatDelay(policy.ready.deadlineMs)}${event.detail ? ` (last: ${event.detail})` : ''}`;
      return accept({ ...current, state: 'STOPPING', startFailure: reason }, [
        { type: 'clearTimers' },
        { type: 'log', level: 'warn', event: 'ready_failed', message: `not ready: ${current.name} ${reason}, sending ${policy.stopSignal}`, fields: { detail: event.detail } },
        { type: 'signal', signal: policy.stopSignal, group: policy.stopAsGroup },
        { type: 'startTimer', timer: 'stop', ms: policy.stopTimeMs },
      ]);
    }
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
      return onExit(current, policy, event.exitCode, event.signal, event.runMs ?? Number.POSITIVE_INFINITY);
    case 'backoffElapsed':
      if (current.state !== 'BACKOFF') return ignored;
      return accept({ ...current, state: 'STARTING', startTimePassed: false, readyPassed: false, timedOut: false, backoffKind: null }, [{ type: 'spawn' }]);
    case 'stop':
      if (current.state === 'BACKOFF') {
        return accept({ ...current, state: 'STOPPED', backoff: 0, quickExits: 0, resourceRetries: 0, backoffKind: null }, [
          { type: 'clearTimers' },
          { type: 'log', level: 'info', event: 'stopped', message: `stopped: ${current.name} (was in BACKOFF, no process to signal)` },
        ]);
      }
      if (current.state === 'STARTING' && current.pid === null) {
        return accept({ ...current, state: 'STOPPED', backoff: 0, quickExits: 0, resourceRetries: 0 }, [{ type: 'clearTimers' }]);
      }
      // A stop asked while a timed-out run or a failed start is being stopped: it ends STOPPED, not retried.
      if (current.state === 'STOPPING' && (current.timedOut || current.startFailure !== null)) {
        return accept({ ...current, timedOut: false, startFailure: null }, []);
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
