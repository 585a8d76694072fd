import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ctl, makeTempDir, run, RunningTaskmaster, taskmasterBin, waitFor } from '../helpers.js';

const stampMs = (line: string) => Date.parse(line.slice(0, 23).replace(' ', 'T').replace(',', '.'));

describe('scheduled jobs', () => {
  it('runs a job at each tick of a seconds schedule, and reports how late it starts', async (t) => {
    const tm = await RunningTaskmaster.start(`
programs:
  tick: { cmd: "true", schedule: "*/1 * * * * *" }
`);
    try {
      const log = await tm.waitForLog(/(spawned: 'tick'[^]*){6}/, 20_000);
      const lateness = log.split('\n').filter((line) => line.includes("spawned: 'tick'")).map((line) => stampMs(line) % 1000).sort((a, b) => a - b);
      t.diagnostic(`tick to spawn over ${lateness.length} ticks: median ${lateness[Math.floor(lateness.length / 2)]} ms, worst ${lateness.at(-1)} ms`);
      assert.ok(lateness.at(-1)! < 500, `a tick started ${lateness.at(-1)} ms late`);
      // Read between runs: right after a spawn line the job may still be running.
      const status = await tm.waitForState('tick', 'EXITED');
      assert.ok(status.nextRunAt && status.nextRunAt > Date.now() - 1000);
      assert.match(status.description, /next run \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
      assert.equal(status.state, 'EXITED');
      assert.match(status.description, /last run success \(exit 0/);
      const history = await ctl(tm.socket, 'history', 'tick');
      assert.equal(history.code, 0);
      assert.match(history.stdout, /^tick\n(  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}  to \d\d:\d\d:\d\d,\d{3} +\d+\.\d\ds  exit 0 +success\n)+/);
    } finally {
      await tm.stop();
    }
  });

  it('skips a tick while the previous run is still going', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  slow: { cmd: "sleep 2.5", schedule: "* * * * * *" }
`);
    try {
      await tm.waitForLog(/skipped: slow tick of .*, the previous run is still going/);
      const log = await tm.waitForLog(/exited: slow \(exit status 0; expected\)/);
      assert.equal((log.match(/spawned: 'slow'/g) ?? []).length, 1);
    } finally {
      await tm.stop();
    }
  });

  it('queues or replaces an overlapping run on request', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  queued: { cmd: "sleep 1.5", schedule: "* * * * * *", overlap: queue }
  replaced: { cmd: "sleep 100", schedule: "*/2 * * * * *", overlap: replace, stoptime: 1 }
`);
    try {
      const log = await tm.waitForLog(/queued: queued tick[^]*exited: queued[^]*spawned: 'queued'/, 20_000);
      assert.match(log, /queued: queued tick of .* runs when the previous run ends/);
      await tm.waitForLog(/replacing: replaced previous run is stopped[^]*stopped: replaced \(terminated by SIGTERM\)[^]*spawned: 'replaced'/, 20_000);
    } finally {
      await tm.stop();
    }
  });

  it('stops a run that exceeds its timeout and records it as timed out', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  hung: { cmd: "sleep 100", timeout: 600ms, autorestart: never, starttime: 0 }
`);
    try {
      const exited = await tm.waitForState('hung', 'EXITED');
      assert.equal(exited.signal, 'SIGTERM');
      const log = await tm.log();
      assert.match(log, /WARN timeout: hung ran longer than 0.6 seconds, sending SIGTERM/);
      assert.match(log, /exited: hung \(terminated by SIGTERM; timed out\)/);
      const history = JSON.parse((await ctl(tm.socket, '--json', 'history', 'hung')).stdout);
      assert.equal(history[0].runs[0].result, 'timeout');
    } finally {
      await tm.stop();
    }
  });

  it('retries a failed run times times before it counts as failed', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  flaky: { cmd: "sh -c 'exit 1'", schedule: "*/3 * * * * *", times: 2 }
`);
    try {
      const log = await tm.waitForLog(/failed: flaky run failed after 3 attempts/, 20_000);
      assert.equal((log.match(/spawned: 'flaky'/g) ?? []).length, 3);
      assert.match(log, /retry: flaky failed, run 2 of 3/);
    } finally {
      await tm.stop();
    }
  });

  it('catches up a tick missed while the supervisor was down, only with catchup', async () => {
    const dir = await makeTempDir();
    const yearAgo = Date.now() - 400 * 24 * 3600 * 1000;
    await writeFile(join(dir, 'taskmaster-state.json'), JSON.stringify({ lastTicks: { yearly: yearAgo, plain: yearAgo } }));
    const tm = await RunningTaskmaster.start(`
programs:
  yearly: { cmd: "true", schedule: "@yearly", catchup: true }
  plain: { cmd: "true", schedule: "@yearly" }
`, dir);
    try {
      await tm.waitForLog(/catchup: yearly missed its tick at .*, running it now/);
      await tm.waitForState('yearly', 'EXITED');
      assert.doesNotMatch(await tm.log(), /spawned: 'plain'/);
      // The state file is written in batches, soon after the tick.
      await waitFor(async () => JSON.parse(await readFile(join(dir, 'taskmaster-state.json'), 'utf8')).lastTicks.yearly > yearAgo, 'the tick saved in the state file', 10_000);
    } finally {
      await tm.stop();
    }
  });

  it('delays each tick by a random part of the jitter', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  jittery: { cmd: "true", schedule: "*/2 * * * * *", jitter: 800ms }
`);
    // nextRunAt is the tick plus its jitter, free of spawn latency: ticks fall on even seconds.
    const planned = new Set<number>();
    await waitFor(async () => {
      const nextRunAt = (await tm.process('jittery')).nextRunAt;
      if (nextRunAt !== null) planned.add(nextRunAt);
      return planned.size >= 4;
    }, 'four planned runs', 30_000);
    const delays = [...planned].map((runAt) => runAt % 2000);
    t.diagnostic(`jitter delays: ${delays.join(', ')} ms`);
    for (const delay of delays) assert.ok(delay < 800, `a tick was delayed ${delay} ms, more than the jitter`);
    assert.ok(new Set(delays).size >= 3, `the delays are not random: ${delays.join(', ')} ms`);
    const log = await tm.waitForLog(/(spawned: 'jittery'[^]*){3}/, 20_000);
    for (const line of log.split('\n').filter((entry) => entry.includes("spawned: 'jittery'"))) {
      const offset = stampMs(line) % 2000;
      assert.ok(offset < 1300, `started ${offset} ms after its tick`);
    }
  });

  it('rejects a bad cron expression and schedule keys without a schedule', async () => {
    const dir = await makeTempDir();
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'programs:\n  a:\n    cmd: "true"\n    schedule: "61 * * * *"\n  b:\n    cmd: "true"\n    overlap: queue\n');
    const result = await run(process.execPath, [taskmasterBin, '-c', file, '--check']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /bad.yaml:4:15: programs\.a\.schedule: Cannot parse cron schedule/);
    assert.match(result.stderr, /bad.yaml:7:14: programs\.b\.overlap: only applies to a program with a schedule/);
  });
});
