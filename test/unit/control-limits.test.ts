import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BurstCounter } from '../../src/control/burst-counter.js';
import { ConnectionLimiter } from '../../src/control/connection-limiter.js';
import { connectionBudget, parseNoFileLimit } from '../../src/control/fd-budget.js';
import { FailureThrottle } from '../../src/control/failure-throttle.js';
import { waitFor } from '../helpers.js';

describe('the failure throttle', () => {
  const options = { freeFailures: 3, firstDelayMs: 1_000, maxDelayMs: 8_000, forgetAfterMs: 60_000, maxPeers: 3 };

  it('allows a few failures, then doubles the wait up to the cap', () => {
    const throttle = new FailureThrottle(options);
    const delays = Array.from({ length: 8 }, (_, index) => throttle.recordFailure('10.0.0.1', index));
    assert.deepEqual(delays, [0, 0, 0, 1_000, 2_000, 4_000, 8_000, 8_000]);
    assert.equal(throttle.retryAfterMs('10.0.0.1', 7), 8_000);
    assert.equal(throttle.retryAfterMs('10.0.0.1', 7 + 8_000), 0);
    assert.equal(throttle.retryAfterMs('10.0.0.2', 7), 0, 'another peer is not slowed down');
  });

  it('forgets a peer after a success or a quiet while', () => {
    const throttle = new FailureThrottle(options);
    for (let index = 0; index < 5; index += 1) throttle.recordFailure('a', 0);
    assert.ok(throttle.retryAfterMs('a', 1) > 0);
    throttle.recordSuccess('a');
    assert.equal(throttle.retryAfterMs('a', 1), 0);
    for (let index = 0; index < 5; index += 1) throttle.recordFailure('b', 0);
    assert.equal(throttle.recordFailure('b', 60_001), 0, 'a new burst starts with free failures again');
  });

  it('remembers a bounded number of peers', () => {
    const throttle = new FailureThrottle(options);
    for (let peer = 0; peer < 100; peer += 1) throttle.recordFailure(`10.0.0.${peer}`, peer);
    assert.ok(throttle.trackedPeers <= 3);
  });
});

describe('the connection limiter', () => {
  it('caps connections in total and per peer, and frees slots on release', () => {
    const limiter = new ConnectionLimiter({ maxConnections: 3, maxPerPeer: 2 });
    assert.equal(limiter.admit('a'), 'ok');
    assert.equal(limiter.admit('a'), 'ok');
    assert.equal(limiter.admit('a'), 'peer-full');
    assert.equal(limiter.admit('b'), 'ok');
    assert.equal(limiter.admit('c'), 'listener-full');
    limiter.release('a');
    assert.equal(limiter.admit('c'), 'ok');
    limiter.release('nobody');
    assert.equal(limiter.open, 3);
  });
});

describe('the descriptor budget', () => {
  it('reads the open-file limit from /proc/self/limits', () => {
    const text = 'Max processes             63704                63704                processes\nMax open files            1024                 524288               files     \n';
    assert.deepEqual(parseNoFileLimit(text), { soft: 1024, hard: 524288 });
    assert.deepEqual(parseNoFileLimit('Max open files            unlimited            unlimited            files\n'), { soft: Infinity, hard: Infinity });
    assert.equal(parseNoFileLimit('nothing here'), null);
  });

  it('keeps half the descriptors, at least 128, for supervision', () => {
    assert.deepEqual(connectionBudget(256, 2), { fileLimit: 256, reserve: 128, perListener: 64, perPeer: 64 });
    assert.deepEqual(connectionBudget(20_000, 1), { fileLimit: 20_000, reserve: 10_000, perListener: 1024, perPeer: 64 });
    const tiny = connectionBudget(100, 2);
    assert.ok(tiny.perListener >= 8 && tiny.perListener * 2 <= 100);
  });
});

describe('the burst counter', () => {
  it('logs the start at once and the count after a quiet while, and folds a spray of peers into one burst', async () => {
    const started: string[] = [];
    const ended: { key: string; count: number }[] = [];
    const counter = new BurstCounter(50, (key) => started.push(key), (report) => ended.push({ key: report.key, count: report.count }));
    for (let index = 0; index < 3; index += 1) counter.note('10.0.0.1');
    for (let peer = 0; peer < 100; peer += 1) counter.note(`10.1.0.${peer}`);
    assert.equal(started.length, 33, '32 peers, then one burst for the others');
    assert.ok(started.includes('other peers'));
    await waitFor(() => ended.length === 33, 'every burst to end after its quiet while', 5_000);
    counter.flush();
    assert.equal(ended.length, 33, 'flush reports nothing twice');
    assert.deepEqual(ended.find((report) => report.key === '10.0.0.1'), { key: '10.0.0.1', count: 3 });
    assert.equal(ended.find((report) => report.key === 'other peers')?.count, 100 - 31);
    assert.equal(ended.reduce((sum, report) => sum + report.count, 0), 103);
  });
});
