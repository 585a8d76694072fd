import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlertRateLimit, suppressedSummary } from '../../src/features/alert-rate-limit.js';
import { ChannelOutage } from '../../src/features/channel-outage.js';
import { retryDelayMs } from '../../src/features/job-scheduler.js';

describe('the alert rate limit', () => {
  it('sends count alerts per window, then holds and counts the rest', () => {
    const limit = new AlertRateLimit(2, 60_000);
    assert.deepEqual(limit.offer('web', 0), { send: true, suppressed: null });
    assert.deepEqual(limit.offer('web', 1000), { send: true, suppressed: null });
    assert.deepEqual(limit.offer('web', 2000), { send: false, flushAtMs: 60_000 });
    assert.deepEqual(limit.offer('web', 3000), { send: false, flushAtMs: 60_000 });
    assert.deepEqual(limit.offer('db', 3000), { send: true, suppressed: null }, 'each process has its own window');
    assert.deepEqual(limit.heldKeys(), ['web']);
  });

  it('gives the held count to the next alert sent once the window has room', () => {
    const limit = new AlertRateLimit(1, 10_000);
    limit.offer('web', 0);
    for (let at = 1000; at <= 7000; at += 1000) limit.offer('web', at);
    assert.deepEqual(limit.offer('web', 10_000), { send: true, suppressed: { count: 7, sinceMs: 1000 } });
    assert.deepEqual(limit.heldKeys(), []);
    assert.equal(limit.flush('web', 10_001), null, 'nothing is counted twice');
  });

  it('flushes what was held when no further alert comes', () => {
    const limit = new AlertRateLimit(1, 5000);
    limit.offer('web', 0);
    limit.offer('web', 100);
    limit.offer('web', 200);
    assert.deepEqual(limit.flush('web', 5000), { count: 2, sinceMs: 100 });
    assert.equal(limit.flush('web', 5001), null);
  });

  it('says the summary in words', () => {
    assert.equal(suppressedSummary(7, 300_000), '7 more in the last 5 minutes');
    assert.equal(suppressedSummary(1, 3_600_000), '1 more in the last 1 hour');
    assert.equal(suppressedSummary(3, 1000), '3 more in the last 1 second');
  });
});

describe('a channel outage', () => {
  it('is logged at its start and its end, with the count of alerts lost', () => {
    const outage = new ChannelOutage('webhook http://127.0.0.1:9/alerts');
    assert.equal(outage.delivered(), null, 'nothing to say while it works');
    assert.match(outage.failed(Date.parse('2026-12-01T21:10:00'), 'ECONNREFUSED')!, /^notify: webhook http:\/\/127\.0\.0\.1:9\/alerts failing \(ECONNREFUSED\): alerts are not delivered since 2026-12-01 21:10:00/);
    assert.equal(outage.failed(Date.parse('2026-12-01T21:11:00'), 'ECONNREFUSED'), null);
    assert.equal(outage.failed(Date.parse('2026-12-01T21:12:00'), 'timed out'), null);
    assert.match(outage.pending()!, /still failing: 3 alerts not delivered since 2026-12-01 21:10:00$/);
    assert.equal(outage.delivered(), 'notify: webhook http://127.0.0.1:9/alerts works again: 3 alerts not delivered since 2026-12-01 21:10:00');
    assert.equal(outage.delivered(), null);
    assert.match(outage.failed(Date.parse('2026-12-01T22:00:00'), 'HTTP 500')!, /failing \(HTTP 500\)/, 'a new outage is logged again');
  });
});

describe('the retry backoff of a job', () => {
  it('doubles from retry_delay up to retry_max_delay', () => {
    const schedule = { retryDelayMs: 1000, retryMaxDelayMs: 5000 };
    assert.deepEqual([1, 2, 3, 4, 5].map((retry) => retryDelayMs(schedule, retry)), [1000, 2000, 4000, 5000, 5000]);
    assert.equal(retryDelayMs({ retryDelayMs: 0, retryMaxDelayMs: 60_000 }, 3), 0, 'retry_delay: 0 retries at once');
  });
});
