import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CrashLoopConfig } from '../../src/config/types.js';
import { decideRestart } from '../../src/engine/crash-loop.js';
import { describeProcess } from '../../src/engine/describe-process.js';
import { initialSnapshot, transition, type Effect, type Policy, type ProcessEvent, type ProcessSnapshot } from '../../src/engine/state-machine.js';

const crashLoop: CrashLoopConfig = { quickExitMs: 10_000, burst: 3, delayMs: 1000, maxDelayMs: 60_000, limit: 0 };

const policy: Policy = {
  autorestart: 'always',
  exitCodes: [0],
  startRetries: 3,
  startTimeMs: 0,
  stopSignal: 'SIGTERM',
  stopTimeMs: 5000,
  stopAsGroup: true,
  killAsGroup: true,
  timeoutMs: 0,
  ready: null,
  crashLoop,
};

/** Feeds events, following the machine's own restart effects as the adapter does. */
function run(events: ProcessEvent[], settings: Policy = policy, from: ProcessSnapshot = initialSnapshot('web')) {
  let snapshot = from;
  const effects: Effect[] = [];
  const queue = [...events];
  for (let event = queue.shift(); event; event = queue.shift()) {
    const result = transition(snapshot, event, settings);
    if (!result.accepted) continue;
    snapshot = result.snapshot;
    effects.push(...result.effects);
    if (result.effects.some((effect) => effect.type === 'restart')) queue.unshift({ type: 'start' });
  }
  return { snapshot, effects, logs: effects.filter((effect) => effect.type === 'log').map((effect) => (effect as { message: string }).message) };
}

const quickRun = (pid: number): ProcessEvent[] => [{ type: 'spawned', pid }, { type: 'exited', exitCode: 1, signal: null, runMs: 5 }];

describe('crash-loop backoff decision', () => {
  it('restarts the first burst of quick exits at once, then doubles the delay up to the cap', () => {
    const delays: (number | string)[] = [];
    let quickExits = 0;
    for (let exit = 1; exit <= 12; exit += 1) {
      const decision = decideRestart(quickExits, 50, crashLoop);
      quickExits = decision.quickExits;
      delays.push(decision.kind === 'later' ? decision.delayMs : decision.kind);
    }
    assert.deepEqual(delays, ['now', 'now', 'now', 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('starts the count afresh after a run that lasted past quick_exit', () => {
    assert.deepEqual(decideRestart(9, 10_000, crashLoop), { kind: 'now', quickExits: 0 });
  });

  it('gives up at the limit and never when turned off', () => {
    assert.deepEqual(decideRestart(4, 1, { ...crashLoop, limit: 5 }), { kind: 'give_up', quickExits: 5 });
    assert.deepEqual(decideRestart(1_000_000, 1, null), { kind: 'now', quickExits: 0 });
  });

  it('keeps the delay finite however long the loop lasts', () => {
    const decision = decideRestart(1e9, 1, crashLoop);
    assert.equal(decision.kind === 'later' && decision.delayMs, 60_000);
  });
});

describe('crash loops in the state machine', () => {
  it('waits in BACKOFF after the burst and says so in the log', () => {
    const events: ProcessEvent[] = [{ type: 'start' }];
    for (let pid = 1; pid <= 6; pid += 1) events.push(...quickRun(pid), { type: 'backoffElapsed' });
    events.pop();
    const { snapshot, effects, logs } = run(events);
    assert.equal(snapshot.state, 'BACKOFF');
    assert.equal(snapshot.backoffKind, 'crash_loop');
    assert.equal(snapshot.quickExits, 6);
    assert.equal(snapshot.spawnError, 'crash loop: 6 quick exits');
    const delays = effects.filter((effect) => effect.type === 'startTimer' && effect.timer === 'backoff').map((effect) => (effect as { ms: number }).ms);
    assert.deepEqual(delays, [1000, 2000, 4000]);
    assert.equal(logs.at(-1), 'crash loop: web exited 6 times in a row within 10s of its start, restarting in 4s');
  });

  it('restarts a single crash of a long-running process at once, even in the middle of a loop', () => {
    const loop = run([{ type: 'start' }, ...quickRun(1), ...quickRun(2), ...quickRun(3), ...quickRun(4), { type: 'backoffElapsed' }, { type: 'spawned', pid: 5 }]);
    assert.equal(loop.snapshot.state, 'RUNNING');
    assert.equal(loop.snapshot.quickExits, 4);
    const { snapshot, effects } = run([{ type: 'exited', exitCode: null, signal: 'SIGKILL', runMs: 3_600_000 }], policy, loop.snapshot);
    assert.ok(effects.some((effect) => effect.type === 'restart'));
    assert.equal(snapshot.state, 'STARTING');
    assert.equal(snapshot.quickExits, 0);
  });

  it('ends in FATAL at the optional limit', () => {
    const limited: Policy = { ...policy, crashLoop: { ...crashLoop, limit: 2 } };
    const { snapshot, logs } = run([{ type: 'start' }, ...quickRun(1), ...quickRun(2)], limited);
    assert.equal(snapshot.state, 'FATAL');
    assert.equal(snapshot.spawnError, 'crash loop: 2 quick exits in a row');
    assert.match(logs.at(-1)!, /^gave up: web entered FATAL state, crash loop: 2 quick exits in a row/);
  });

  it('forgets the loop when the process is stopped by hand', () => {
    const loop = run([{ type: 'start' }, ...quickRun(1), ...quickRun(2), ...quickRun(3), ...quickRun(4)]);
    assert.equal(loop.snapshot.state, 'BACKOFF');
    const stopped = run([{ type: 'stop' }], policy, loop.snapshot);
    assert.equal(stopped.snapshot.state, 'STOPPED');
    assert.equal(stopped.snapshot.quickExits, 0);
    assert.ok(stopped.effects.some((effect) => effect.type === 'clearTimers'));
  });

  it('does not count an exit that is not restarted', () => {
    const { snapshot } = run([{ type: 'start' }, ...quickRun(1)], { ...policy, autorestart: 'never' });
    assert.equal(snapshot.state, 'EXITED');
    assert.equal(snapshot.quickExits, 0);
  });
});

describe('spawns that fail for lack of resources', () => {
  it('retry with a bounded delay and never count against startretries', () => {
    const failures: ProcessEvent[] = [{ type: 'start' }];
    for (let attempt = 0; attempt < 12; attempt += 1) failures.push({ type: 'spawnFailed', reason: 'out of fds (EMFILE)', transient: true }, { type: 'backoffElapsed' });
    const { snapshot, effects, logs } = run(failures);
    assert.equal(snapshot.state, 'STARTING');
    assert.equal(snapshot.backoff, 0);
    assert.equal(snapshot.resourceRetries, 12);
    const delays = effects.filter((effect) => effect.type === 'startTimer' && effect.timer === 'backoff').map((effect) => (effect as { ms: number }).ms);
    assert.deepEqual(delays.slice(0, 6), [250, 500, 1000, 2000, 4000, 5000]);
    assert.equal(Math.max(...delays), 5000);
    assert.equal(logs.length, 12);
    const recovered = run([{ type: 'spawned', pid: 9 }], policy, snapshot);
    assert.equal(recovered.snapshot.state, 'RUNNING');
    assert.equal(recovered.snapshot.resourceRetries, 0);
  });

  it('are logged as a warning once per outage', () => {
    const first = transition(run([{ type: 'start' }]).snapshot, { type: 'spawnFailed', reason: 'EMFILE', transient: true }, policy);
    assert.ok(first.accepted);
    const levels = (effects: readonly Effect[]) => effects.filter((effect) => effect.type === 'log').map((effect) => (effect as { level: string }).level);
    assert.deepEqual(levels(first.effects), ['warn']);
    const again = run([{ type: 'backoffElapsed' }, { type: 'spawnFailed', reason: 'EMFILE', transient: true }], policy, first.snapshot);
    assert.deepEqual(levels(again.effects), ['debug']);
  });
});

describe('the ready deadline', () => {
  const ready: Policy = { ...policy, autorestart: 'unexpected', startTimeMs: 0, ready: { probe: { kind: 'tcp', address: '127.0.0.1:1' }, intervalMs: 100, timeoutMs: 100, deadlineMs: 2000 } };

  it('is armed at the spawn, and when it passes the start is stopped and counted as failed', () => {
    const starting = run([{ type: 'start' }, { type: 'spawned', pid: 7 }], ready);
    assert.equal(starting.snapshot.state, 'STARTING');
    assert.ok(starting.effects.some((effect) => effect.type === 'startTimer' && effect.timer === 'ready' && effect.ms === 2000));
    const stopping = run([{ type: 'readyDeadlineElapsed', detail: 'ECONNREFUSED' }], ready, starting.snapshot);
    assert.equal(stopping.snapshot.state, 'STOPPING');
    assert.ok(stopping.effects.some((effect) => effect.type === 'signal' && effect.signal === 'SIGTERM'));
    const failed = run([{ type: 'exited', exitCode: null, signal: 'SIGTERM' }], ready, stopping.snapshot);
    assert.equal(failed.snapshot.state, 'BACKOFF');
    assert.equal(failed.snapshot.backoff, 1);
    assert.equal(failed.snapshot.spawnError, 'ready check did not pass within 2s (last: ECONNREFUSED)');
  });

  it('ends in FATAL after startretries failed starts', () => {
    const attempt: ProcessEvent[] = [{ type: 'spawned', pid: 7 }, { type: 'readyDeadlineElapsed', detail: null }, { type: 'exited', exitCode: 0, signal: null }];
    const events: ProcessEvent[] = [{ type: 'start' }];
    for (let round = 0; round < 4; round += 1) events.push(...attempt, { type: 'backoffElapsed' });
    const { snapshot } = run(events, ready);
    assert.equal(snapshot.state, 'FATAL');
    assert.equal(snapshot.spawnError, 'ready check did not pass within 2s');
  });

  it('is ignored once the check passed, and a stop meanwhile wins over the retry', () => {
    const passed = run([{ type: 'start' }, { type: 'spawned', pid: 7 }, { type: 'readyPassed' }], ready);
    assert.equal(passed.snapshot.state, 'RUNNING');
    assert.equal(transition(passed.snapshot, { type: 'readyDeadlineElapsed', detail: null }, ready).accepted, false);
    const stopping = run([{ type: 'start' }, { type: 'spawned', pid: 7 }, { type: 'readyDeadlineElapsed', detail: null }, { type: 'stop' }, { type: 'exited', exitCode: 0, signal: null }], ready);
    assert.equal(stopping.snapshot.state, 'STOPPED');
  });
});

describe('status descriptions of the new waits', () => {
  const base = { uptimeSeconds: 0, nowMs: 10_000, hasReadyCheck: false, readyDetail: null, blockedReason: null, startedAtMs: 1, stoppedAtMs: 2, failure: { exitReason: null, lastLines: [], lastLinesStream: null, lastLinesFile: null } };
  it('counts down a crash-loop backoff and a resource retry', () => {
    const snapshot = { ...initialSnapshot('web'), state: 'BACKOFF' as const, backoffKind: 'crash_loop' as const, spawnError: 'crash loop: 6 quick exits' };
    assert.equal(describeProcess({ ...base, snapshot, backoffDueMs: 13_600 }), 'restarting in 4s (crash loop: 6 quick exits)');
    const resources = { ...snapshot, backoffKind: 'resources' as const, spawnError: 'out of file descriptors (EMFILE)' };
    assert.equal(describeProcess({ ...base, snapshot: resources, backoffDueMs: 10_250 }), 'out of file descriptors (EMFILE); retrying in 1s');
  });

  it('says how a failed run ended and which file to read', () => {
    const failure = { exitReason: 'exit status 3', lastLines: ['boom'], lastLinesStream: 'stderr' as const, lastLinesFile: '/var/log/web.stderr.log' };
    const fatal = { ...initialSnapshot('web'), state: 'FATAL' as const, spawnError: 'Exited too quickly', exitCode: 3 };
    assert.equal(describeProcess({ ...base, snapshot: fatal, backoffDueMs: null, failure }), 'Exited too quickly (exit status 3; see /var/log/web.stderr.log)');
    const looping = { ...fatal, state: 'BACKOFF' as const, backoffKind: 'crash_loop' as const, spawnError: 'crash loop: 6 quick exits' };
    assert.equal(describeProcess({ ...base, snapshot: looping, backoffDueMs: 13_600, failure: { ...failure, lastLinesFile: null } }), 'restarting in 4s (crash loop: 6 quick exits; exit status 3)');
    const exited = { ...fatal, state: 'EXITED' as const, exitExpected: false };
    assert.match(describeProcess({ ...base, snapshot: exited, backoffDueMs: null, failure }), /^exit status 3, .+; see \/var\/log\/web\.stderr\.log$/);
    const neverRan = { ...fatal, spawnError: "couldn't spawn web: command not found", exitCode: null };
    assert.equal(describeProcess({ ...base, snapshot: neverRan, backoffDueMs: null }), "couldn't spawn web: command not found");
  });

  it('puts what a start waits for before how the last run ended', () => {
    const snapshot = { ...initialSnapshot('web'), state: 'FATAL' as const, spawnError: 'x' };
    assert.equal(describeProcess({ ...base, snapshot, backoffDueMs: null, blockedReason: 'waiting for db to start (db: STARTING)' }), 'waiting for db to start (db: STARTING)');
  });
});
