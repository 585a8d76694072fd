import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initialSnapshot, transition, type Effect, type Policy, type ProcessEvent, type ProcessSnapshot } from '../../src/engine/state-machine.js';

const policy: Policy = {
  autorestart: 'unexpected',
  exitCodes: [0, 2],
  startRetries: 2,
  startTimeMs: 1000,
  stopSignal: 'SIGTERM',
  stopTimeMs: 5000,
  stopAsGroup: true,
  killAsGroup: true,
  timeoutMs: 0,
  ready: null,
  crashLoop: null,
};

function run(events: ProcessEvent[], settings: Policy = policy, from: ProcessSnapshot = initialSnapshot('web')) {
  let snapshot = from;
  const effects: Effect[] = [];
  for (const event of events) {
    const result = transition(snapshot, event, settings);
    if (result.accepted) {
      snapshot = result.snapshot;
      effects.push(...result.effects);
    }
  }
  return { snapshot, effects, logs: effects.filter((effect) => effect.type === 'log').map((effect) => (effect as { message: string }).message) };
}

describe('process state machine', () => {
  it('starts in STOPPED and a start spawns the process', () => {
    const { snapshot, effects } = run([{ type: 'start' }]);
    assert.equal(snapshot.state, 'STARTING');
    assert.deepEqual(effects.map((effect) => effect.type), ['clearTimers', 'spawn']);
  });

  it('becomes RUNNING only once starttime has passed', () => {
    const spawned = run([{ type: 'start' }, { type: 'spawned', pid: 42 }]);
    assert.equal(spawned.snapshot.state, 'STARTING');
    assert.ok(spawned.effects.some((effect) => effect.type === 'startTimer' && effect.ms === 1000));
    const running = run([{ type: 'startTimeElapsed' }], policy, spawned.snapshot);
    assert.equal(running.snapshot.state, 'RUNNING');
    assert.match(running.logs[0]!, /^success: web entered RUNNING state, process has stayed up for > than 1 seconds \(startsecs\)$/);
  });

  it('goes straight to RUNNING when starttime is 0', () => {
    const { snapshot } = run([{ type: 'start' }, { type: 'spawned', pid: 42 }], { ...policy, startTimeMs: 0 });
    assert.equal(snapshot.state, 'RUNNING');
  });

  it('backs off 1 s, 2 s ... after early exits, then gives up as FATAL', () => {
    const early: ProcessEvent[] = [{ type: 'spawned', pid: 1 }, { type: 'exited', exitCode: 0, signal: null }];
    const { snapshot, effects, logs } = run([
      { type: 'start' }, ...early, { type: 'backoffElapsed' }, ...early, { type: 'backoffElapsed' }, ...early,
    ]);
    assert.equal(snapshot.state, 'FATAL');
    const delays = effects.filter((effect) => effect.type === 'startTimer' && effect.timer === 'backoff').map((effect) => (effect as { ms: number }).ms);
    assert.deepEqual(delays, [1000, 2000]);
    assert.ok(logs.includes('exited: web (exit status 0; not expected)'));
    assert.equal(logs.at(-1), 'gave up: web entered FATAL state, too many start retries too quickly');
  });

  it('counts a spawn error as a failed start and keeps its reason', () => {
    const { snapshot, logs } = run([{ type: 'start' }, { type: 'spawnFailed', reason: "can't find command 'nope'" }]);
    assert.equal(snapshot.state, 'BACKOFF');
    assert.equal(snapshot.spawnError, "can't find command 'nope'");
    assert.equal(logs[0], "spawnerr: can't find command 'nope'");
  });

  it('goes FATAL at once with startretries 0', () => {
    const { snapshot } = run([{ type: 'start' }, { type: 'spawnFailed', reason: 'x' }], { ...policy, startRetries: 0 });
    assert.equal(snapshot.state, 'FATAL');
  });

  const running = run([{ type: 'start' }, { type: 'spawned', pid: 7 }, { type: 'startTimeElapsed' }]).snapshot;

  it('restarts an unexpected exit from RUNNING under autorestart unexpected', () => {
    const { snapshot, effects, logs } = run([{ type: 'exited', exitCode: 1, signal: null }], policy, running);
    assert.equal(snapshot.state, 'EXITED');
    assert.ok(effects.some((effect) => effect.type === 'restart'));
    assert.equal(logs[0], 'exited: web (exit status 1; not expected)');
  });

  it('does not restart an expected exit under autorestart unexpected', () => {
    const { effects, logs, snapshot } = run([{ type: 'exited', exitCode: 2, signal: null }], policy, running);
    assert.equal(snapshot.exitExpected, true);
    assert.ok(!effects.some((effect) => effect.type === 'restart'));
    assert.equal(logs[0], 'exited: web (exit status 2; expected)');
  });

  it('treats death by a signal as unexpected', () => {
    const { effects, logs } = run([{ type: 'exited', exitCode: null, signal: 'SIGKILL' }], policy, running);
    assert.ok(effects.some((effect) => effect.type === 'restart'));
    assert.equal(logs[0], 'exited: web (terminated by SIGKILL; not expected)');
  });

  it('always restarts under autorestart always and never under never', () => {
    const always = run([{ type: 'exited', exitCode: 0, signal: null }], { ...policy, autorestart: 'always' }, running);
    assert.ok(always.effects.some((effect) => effect.type === 'restart'));
    const never = run([{ type: 'exited', exitCode: 1, signal: null }], { ...policy, autorestart: 'never' }, running);
    assert.ok(!never.effects.some((effect) => effect.type === 'restart'));
  });

  it('forgets the previous exit once a new process is spawned', () => {
    const exited = run([{ type: 'exited', exitCode: null, signal: 'SIGTERM' }], policy, running).snapshot;
    assert.equal(exited.signal, 'SIGTERM');
    const respawned = run([{ type: 'start' }, { type: 'spawned', pid: 8 }], policy, exited).snapshot;
    assert.deepEqual([respawned.pid, respawned.exitCode, respawned.signal, respawned.exitExpected], [8, null, null, null]);
  });

  it('stops with the stop signal to the group, then SIGKILL after stoptime', () => {
    const stopping = run([{ type: 'stop' }], policy, running);
    assert.equal(stopping.snapshot.state, 'STOPPING');
    assert.ok(stopping.effects.some((effect) => effect.type === 'signal' && effect.signal === 'SIGTERM' && effect.group));
    assert.ok(stopping.effects.some((effect) => effect.type === 'startTimer' && effect.timer === 'stop' && effect.ms === 5000));
    const killed = run([{ type: 'stopTimeElapsed' }], policy, stopping.snapshot);
    assert.ok(killed.effects.some((effect) => effect.type === 'signal' && effect.signal === 'SIGKILL'));
    assert.equal(killed.logs[0], "killing 'web' (7) with SIGKILL");
    const stopped = run([{ type: 'exited', exitCode: null, signal: 'SIGKILL' }], policy, killed.snapshot);
    assert.equal(stopped.snapshot.state, 'STOPPED');
    assert.equal(stopped.logs[0], 'stopped: web (terminated by SIGKILL)');
    assert.ok(!stopped.effects.some((effect) => effect.type === 'restart'));
  });

  it('stops a process in BACKOFF without signalling anything', () => {
    const backoff = run([{ type: 'start' }, { type: 'spawnFailed', reason: 'x' }]).snapshot;
    const { snapshot, effects } = run([{ type: 'stop' }], policy, backoff);
    assert.equal(snapshot.state, 'STOPPED');
    assert.ok(!effects.some((effect) => effect.type === 'signal'));
  });

  it('refuses to start a running process and to stop a stopped one', () => {
    assert.deepEqual(transition(running, { type: 'start' }, policy), { accepted: false, reason: 'ALREADY_STARTED' });
    assert.deepEqual(transition(initialSnapshot('web'), { type: 'stop' }, policy), { accepted: false, reason: 'NOT_RUNNING' });
  });

  it('ignores a stale timer that fires after the state moved on', () => {
    const stopping = run([{ type: 'stop' }], policy, running).snapshot;
    assert.equal(transition(stopping, { type: 'startTimeElapsed' }, policy).accepted, false);
    assert.equal(transition(running, { type: 'backoffElapsed' }, policy).accepted, false);
  });

  it('resets the retry count once a start reaches RUNNING', () => {
    const once = run([{ type: 'start' }, { type: 'spawnFailed', reason: 'x' }, { type: 'backoffElapsed' }, { type: 'spawned', pid: 3 }, { type: 'startTimeElapsed' }]);
    assert.equal(once.snapshot.state, 'RUNNING');
    assert.equal(once.snapshot.backoff, 0);
  });
});
