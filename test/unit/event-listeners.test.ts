import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSubtypeOf } from '../../src/config/event-types.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { eventEnvelope, listenerEvent, processLogPayload, stateChangePayload, type ListenerEvent } from '../../src/features/event-listeners/listener-event.js';
import { ListenerPool, type ListenerMember } from '../../src/features/event-listeners/listener-pool.js';
import { ListenerProtocol } from '../../src/features/event-listeners/listener-protocol.js';
import { timeslice } from '../../src/features/event-listeners/tick-clock.js';
import { problemsOf } from './config-problems.js';

const parse = (text: string) => parseConfig(text, 'taskmaster.yaml', { socket: '/tmp/t.sock' });

const problems = (text: string): string[] => problemsOf(() => parse(text));

describe('event listener config', () => {
  it('reads listener, buffer_size and the events flags, with supervisord\'s names too', () => {
    const config = parse('programs:\n  l: { cmd: x, listener: { events: [PROCESS_STATE, TICK_60], buffer_size: 3 } }\n  w: { cmd: y, stdout_events_enabled: true, stderr_events: yes }\n  i: { cmd: z, listener: { events: "PROCESS_STATE_EXITED,TICK_5" } }\n');
    assert.deepEqual(config.programs.get('l')!.listener, { events: ['PROCESS_STATE', 'TICK_60'], bufferSize: 3 });
    assert.deepEqual(config.programs.get('i')!.listener, { events: ['PROCESS_STATE_EXITED', 'TICK_5'], bufferSize: 10 });
    assert.equal(config.programs.get('w')!.stdoutEvents, true);
    assert.equal(config.programs.get('w')!.stderrEvents, true);
    assert.equal(config.programs.get('w')!.listener, null);
  });

  it('names a misspelt event type at its file:line:col with the likely one', () => {
    assert.deepEqual(problems('programs:\n  l:\n    cmd: x\n    listener: { events: [PROCESS_STATE, PROCES_STATE_EXITD, TICK_7] }\n'), [
      'taskmaster.yaml:4:41: programs.l.listener.events: unknown event type PROCES_STATE_EXITD (did you mean PROCESS_STATE_EXITED?)',
      'taskmaster.yaml:4:61: programs.l.listener.events: unknown event type TICK_7 (did you mean TICK_5?)',
    ]);
  });

  it('rejects no events, a zero buffer, unknown keys and redirect_stderr on a listener', () => {
    assert.deepEqual(problems('programs:\n  l: { cmd: x, listener: { buffer_size: 0, event: [TICK_5] } }\n  m: { cmd: x, redirect_stderr: true, listener: { events: [TICK_5] } }\n'), [
      'taskmaster.yaml:2:26: programs.l.listener: events is required (the event types it listens to)',
      'taskmaster.yaml:2:41: programs.l.listener.buffer_size: expected a whole number from 1 to 100000, got 0',
      'taskmaster.yaml:2:44: programs.l.listener.event: unknown key (did you mean events?)',
      'taskmaster.yaml:3:33: programs.m.redirect_stderr: cannot be true for a listener: its stdout carries the event listener protocol',
    ]);
  });
});

describe('event types', () => {
  it('covers subtypes as supervisord\'s class hierarchy does', () => {
    assert.ok(isSubtypeOf('PROCESS_STATE_EXITED', 'PROCESS_STATE'));
    assert.ok(isSubtypeOf('TICK_5', 'EVENT'));
    assert.ok(isSubtypeOf('TICK_5', 'TICK_5'));
    assert.ok(!isSubtypeOf('TICK_5', 'TICK_60'));
    assert.ok(!isSubtypeOf('PROCESS_STATE', 'PROCESS_STATE_EXITED'));
  });

  it('formats payloads and the header as supervisord does', () => {
    const base = { processName: 'web_01', groupName: 'web', tries: 2, expected: false, pid: 42 } as const;
    assert.equal(stateChangePayload({ ...base, from: 'BACKOFF', to: 'STARTING' }), 'processname:web_01 groupname:web from_state:BACKOFF tries:2');
    assert.equal(stateChangePayload({ ...base, from: 'RUNNING', to: 'EXITED' }), 'processname:web_01 groupname:web from_state:RUNNING expected:0 pid:42');
    assert.equal(stateChangePayload({ ...base, from: 'STARTING', to: 'RUNNING' }), 'processname:web_01 groupname:web from_state:STARTING pid:42');
    assert.equal(stateChangePayload({ ...base, from: 'BACKOFF', to: 'FATAL' }), 'processname:web_01 groupname:web from_state:BACKOFF');
    assert.equal(processLogPayload('a', 'a', 7, 'stderr', 'oops\n'), 'processname:a groupname:a pid:7 channel:stderr\noops\n');
    const event = listenerEvent('PROCESS_LOG_STDOUT', 'x\né');
    event.serial = 5;
    event.poolSerials.set('mon', 2);
    // len counts characters, as Python's len(str) in supervisord: childutils reads that many from text stdin.
    assert.equal(eventEnvelope(event, 'supervisor', 'mon'), 'ver:3.0 server:supervisor serial:5 pool:mon poolserial:2 eventname:PROCESS_LOG_STDOUT len:3\nx\né');
  });

  it('starts tick periods on multiples of the period', () => {
    assert.equal(timeslice(5, 1003.7), 1000);
    assert.equal(timeslice(60, 1799), 1740);
    assert.equal(timeslice(3600, 7199.9), 3600);
  });
});

describe('the listener protocol', () => {
  it('goes READY, BUSY, then ACKNOWLEDGED on a result split across reads', () => {
    const protocol = new ListenerProtocol();
    assert.deepEqual(protocol.feed(Buffer.from('REA')), []);
    assert.deepEqual(protocol.feed(Buffer.from('DY\n')), [{ kind: 'ready' }]);
    assert.equal(protocol.state, 'READY');
    protocol.sent();
    assert.deepEqual(protocol.feed(Buffer.from('RESULT 4\nFA')), []);
    const [outcome] = protocol.feed(Buffer.from('ILREADY\n'));
    assert.equal(outcome?.kind, 'result');
    assert.equal(outcome?.kind === 'result' && outcome.body.toString(), 'FAIL');
    assert.equal(protocol.state, 'READY', 'the READY after the result is read in the same chunk');
  });

  it('enters UNKNOWN on anything but READY, on data while READY, and on a bad result line', () => {
    const garbage = new ListenerProtocol();
    assert.equal(garbage.feed(Buffer.from('hello world\n'))[0]?.kind, 'violation');
    assert.equal(garbage.state, 'UNKNOWN');
    assert.deepEqual(garbage.feed(Buffer.from('READY\n')), [], 'UNKNOWN is final for this run');
    const chatty = new ListenerProtocol();
    chatty.feed(Buffer.from('READY\nextra'));
    assert.equal(chatty.state, 'UNKNOWN');
    const bad = new ListenerProtocol();
    bad.feed(Buffer.from('READY\n'));
    bad.sent();
    assert.deepEqual(bad.feed(Buffer.from('RESULT two\nOK')), [{ kind: 'violation', from: 'BUSY', reason: 'bad result line', badResultLine: 'RESULT two' }]);
  });
});

function member(name: string, ready: () => boolean, sent: ListenerEvent[]): ListenerMember {
  return { name, isReady: ready, send: (event) => (sent.push(event), true) };
}

describe('a listener pool', () => {
  it('discards the oldest event when its buffer is full, with supervisord\'s log line', () => {
    const lines: string[] = [];
    let serial = -1;
    const pool = new ListenerPool('mon', { events: ['TICK'], bufferSize: 2 }, (level, message) => lines.push(`${level} ${message}`), () => '');
    for (let index = 0; index < 4; index += 1) pool.accept(listenerEvent('TICK_5', `when:${index}`), () => ++serial);
    assert.equal(pool.pending, 2);
    assert.deepEqual(lines, ['error pool mon event buffer overflowed, discarding event 0', 'error pool mon event buffer overflowed, discarding event 1']);
    const sent: ListenerEvent[] = [];
    let ready = true;
    pool.dispatch([member('mon', () => ready, sent)]);
    assert.deepEqual(sent.map((event) => [event.serial, event.poolSerials.get('mon')]), [[2, 2], [3, 3]]);
    ready = false;
  });

  it('sends to the first READY member, one event each, and puts a rejected event back at the head', () => {
    let serial = -1;
    const pool = new ListenerPool('mon', { events: ['EVENT'], bufferSize: 10 }, () => {}, () => '');
    const sentA: ListenerEvent[] = [];
    const sentB: ListenerEvent[] = [];
    const busy = new Set<string>();
    const members = ['a', 'b'].map((name) => ({ name, isReady: () => !busy.has(name), send: (event: ListenerEvent) => ((name === 'a' ? sentA : sentB).push(event), busy.add(name), true) }));
    for (const when of [1, 2, 3]) pool.accept(listenerEvent('TICK_5', `when:${when}`), () => ++serial);
    pool.dispatch(members);
    assert.deepEqual([sentA.map((event) => event.serial), sentB.map((event) => event.serial), pool.pending], [[0], [1], 1]);
    pool.accept(sentA[0]!, () => ++serial, true);
    busy.delete('a');
    pool.dispatch(members);
    assert.deepEqual(sentA.map((event) => [event.serial, event.poolSerials.get('mon')]), [[0, 0], [0, 0]], 'the resent event keeps its serials');
  });
});
