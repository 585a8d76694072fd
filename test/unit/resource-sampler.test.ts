import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { parseRssBytes, parseStat, readProc } from '../../src/features/proc-stat.js';
import { ResourceSampler } from '../../src/features/resource-sampler.js';
import { SampleRing } from '../../src/features/sample-ring.js';
import { waitFor } from '../helpers.js';

describe('/proc parsing', () => {
  it('finds utime, stime and starttime after a command name with spaces and parentheses', () => {
    const line = '123 (my (odd) name) S 1 123 123 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 98765 1000000 200 18446744073709551615';
    assert.deepEqual(parseStat(line), { cpuTicks: 300, startTicks: 98765 });
    assert.equal(parseStat('garbage'), null);
  });

  it('reads resident memory in kB from status', () => {
    assert.equal(parseRssBytes('Name:\tsleep\nVmRSS:\t    1536 kB\nThreads: 1\n'), 1536 * 1024);
    assert.equal(parseRssBytes('Name:\tkthread\n'), null);
  });

  it('reads a live process, and nothing of a pid that is gone', () => {
    const self = readProc(process.pid)!;
    assert.ok(self.rssBytes > 1024 * 1024 && self.openFds! >= 3 && self.cpuSeconds > 0);
    assert.equal(readProc(2 ** 22 + 1), null);
  });
});

describe('SampleRing', () => {
  it('keeps the last samples in order and drops the oldest', () => {
    const ring = new SampleRing(3);
    for (let at = 1; at <= 5; at += 1) ring.push({ at, cpuPercent: 0, rssBytes: at, openFds: null });
    assert.deepEqual(ring.list().map((sample) => sample.at), [3, 4, 5]);
    assert.equal(ring.last?.at, 5);
  });

  it('holds at most its capacity of samples however many are pushed, growing only as it fills', () => {
    const ring = new SampleRing(20);
    for (let at = 1; at <= 3; at += 1) ring.push({ at, cpuPercent: 1, rssBytes: at, openFds: null });
    assert.ok(ring.storedBytes <= 8 * 32, `a ring of 3 samples holds ${ring.storedBytes} bytes`);
    // A long churn: 10,000 samples through a ring of 20.
    for (let at = 4; at <= 10_000; at += 1) ring.push({ at, cpuPercent: at / 100, rssBytes: at * 4096, openFds: at % 2 === 0 ? at : null });
    assert.equal(ring.storedBytes, 20 * 32);
    assert.deepEqual(ring.list().map((sample) => sample.at), Array.from({ length: 20 }, (_, index) => 9981 + index));
    assert.deepEqual(ring.last, { at: 10_000, cpuPercent: 100, rssBytes: 10_000 * 4096, openFds: 10_000 });
    assert.equal(ring.list()[0]!.openFds, null);
  });
});

describe('ResourceSampler', () => {
  it('runs its timer only while watched, counts restarts, and forgets a reading of an old pid', async (t) => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    t.after(() => child.kill('SIGKILL'));
    const key = {};
    let pid: number | null = child.pid!;
    const sampler = new ResourceSampler(() => [{ key, name: 'sleeper', pid, startedAtMs: Date.now() }], { intervalMs: 50, ringIntervalMs: 0, ringCapacity: 4 });
    assert.equal(sampler.isSampling, false);
    assert.deepEqual(sampler.fieldsOf({ key, name: 'sleeper', pid, startedAtMs: null }), { restarts: 0 });
    sampler.noteChange(key, { state: 'STARTING', exitCode: null, signal: null }, 'STOPPED');
    sampler.noteChange(key, { state: 'STARTING', exitCode: null, signal: null }, 'STARTING');
    sampler.noteChange(key, { state: 'EXITED', exitCode: null, signal: 'SIGKILL' }, 'RUNNING');
    sampler.noteChange(key, { state: 'STARTING', exitCode: null, signal: null }, 'EXITED');
    const release = sampler.watch();
    assert.equal(sampler.isSampling, true);
    await waitFor(() => sampler.passes >= 3, 'three passes');
    release();
    release();
    assert.equal(sampler.isSampling, false);
    const fields = sampler.fieldsOf({ key, name: 'sleeper', pid, startedAtMs: null });
    assert.equal(fields.restarts, 1, 'the pid announcement (STARTING to STARTING) is not a spawn');
    assert.equal(fields.lastExitCode, 128 + 9, 'killed by SIGKILL, kept while the next run goes');
    assert.ok(fields.rssBytes! > 0 && fields.cpuPercent! >= 0 && fields.openFds! >= 0, JSON.stringify(fields));
    assert.ok(sampler.samplesOf(key).length >= 1 && sampler.samplesOf(key).length <= 4);
    pid = 999_999;
    assert.deepEqual(sampler.fieldsOf({ key, name: 'sleeper', pid, startedAtMs: null }), { restarts: 1, lastExitCode: 137 }, 'no numbers of another run');
  });
});
