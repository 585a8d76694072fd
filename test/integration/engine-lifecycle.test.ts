import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ctl, fixtures, isAlive, makeTempDir, run, RunningTaskmaster, statusOf, taskmasterBin, waitFor } from '../helpers.js';
import { leftoverRecordPath } from '../../src/engine/leftover-record.js';

/** Cleanup for a test that failed half-way: whatever it started and is still alive gets SIGKILL. */
function killAlive(pids: readonly number[]): void {
  for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

describe('supervision lifecycle', () => {
  it('notices a kill -9 at once and restarts the process', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  victim: { cmd: "sleep 1000", starttime: 0, autorestart: always, crash_loop: false }
`);
    try {
      let { pid } = await tm.waitForState('victim', 'RUNNING');
      for (let round = 0; round < 5; round += 1) {
        const killedAt = Date.now();
        process.kill(pid!, 'SIGKILL');
        const next = await waitFor(async () => {
          const entry = await tm.process('victim');
          // Status must never report the dead pid as RUNNING once it is gone.
          if (entry.pid === pid) assert.ok(Date.now() - killedAt < 1000, 'the dead pid was still reported after 1 s');
          return entry.pid !== pid && entry.state === 'RUNNING' ? entry : undefined;
        }, 'a new pid after kill -9');
        assert.ok(!isAlive(pid!));
        pid = next.pid;
      }
      assert.equal((tm.stderr.match(/exited: victim \(terminated by SIGKILL; not expected\)/g) ?? []).length, 5);
    } finally {
      await tm.stop();
    }
  });

  it('leaves no grandchild behind when a process is stopped or dies', async () => {
    const dir = await makeTempDir();
    const tm = await RunningTaskmaster.start(`
programs:
  parent:
    cmd: "${fixtures}/spawn-grandchild.sh"
    starttime: 0
    autorestart: never
    env: { GRANDCHILD_PID_FILE: ${dir}/grandchild.pid }
`);
    try {
      const grandchildPid = Number(await waitFor(async () => (await readFile(join(dir, 'grandchild.pid'), 'utf8').catch(() => '')).trim(), 'grandchild pid'));
      assert.ok(isAlive(grandchildPid));
      const { pid } = await tm.process('parent');
      // Kill only the parent: its group's leftovers must not become orphans.
      process.kill(pid!, 'SIGKILL');
      await waitFor(() => !isAlive(grandchildPid), 'the orphaned grandchild to be killed');
      await rm(join(dir, 'grandchild.pid'));
      assert.equal((await ctl(tm.socket, 'start', 'parent')).code, 0);
      const second = Number(await waitFor(async () => (await readFile(join(dir, 'grandchild.pid'), 'utf8').catch(() => '')).trim(), 'second grandchild pid'));
      assert.equal((await ctl(tm.socket, 'stop', 'parent')).code, 0);
      await waitFor(() => !isAlive(second), 'the grandchild to die with its stopped parent');
    } finally {
      await tm.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops many TERM-ignoring processes in parallel, in about one stoptime', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  stubborn: { cmd: "${fixtures}/ignore-term.sh", numprocs: 30, starttime: 0, stoptime: 2 }
`);
    try {
      await waitFor(async () => (await tm.status()).every((entry) => entry.state === 'RUNNING'), 'all 30 running');
      const started = Date.now();
      const result = await ctl(tm.socket, 'stop', 'all');
      const elapsedMs = Date.now() - started;
      assert.equal(result.code, 0);
      assert.ok(elapsedMs >= 1900, `stopped before stoptime: ${elapsedMs} ms`);
      assert.ok(elapsedMs < 15_000, `took ${elapsedMs} ms: the stops ran one after another`);
      assert.ok((await tm.status()).every((entry) => entry.state === 'STOPPED'));
    } finally {
      await tm.stop();
    }
  });

  it('names numprocs processes as supervisord does and addresses them every way', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  single: { cmd: "sleep 100", starttime: 0 }
  pool: { cmd: "sleep 100", numprocs: 3, starttime: 0 }
`);
    try {
      await waitFor(async () => (await tm.status()).every((entry) => entry.state === 'RUNNING'), 'all running');
      assert.deepEqual((await tm.status()).map((entry) => entry.name).sort(), ['pool:pool_00', 'pool:pool_01', 'pool:pool_02', 'single']);
      const names = async (...args: string[]) => JSON.parse((await ctl(tm.socket, '--json', 'status', ...args)).stdout).map((entry: { name: string }) => entry.name);
      assert.deepEqual(await names('pool'), ['pool:pool_00', 'pool:pool_01', 'pool:pool_02']);
      assert.deepEqual(await names('pool:*'), ['pool:pool_00', 'pool:pool_01', 'pool:pool_02']);
      assert.deepEqual(await names('pool:pool_01'), ['pool:pool_01']);
      assert.deepEqual(await names('pool_02', 'single'), ['pool:pool_02', 'single']);
    } finally {
      await tm.stop();
    }
  });

  it('starts in priority order and stops in reverse', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  last: { cmd: "sleep 100", priority: 30, starttime: 0 }
  first: { cmd: "sleep 100", priority: 10, starttime: 0 }
  middle: { cmd: "sleep 100", priority: 20, starttime: 0 }
`);
    const log = tm.logFile;
    await waitFor(async () => (await tm.status()).every((entry) => entry.state === 'RUNNING'), 'all running');
    const text = await readFile(log, 'utf8');
    const spawnOrder = [...text.matchAll(/spawned: '(\w+)'/g)].map((match) => match[1]);
    assert.deepEqual(spawnOrder, ['first', 'middle', 'last']);
    tm.child.kill('SIGTERM');
    assert.equal(await tm.waitForExit(), 0);
    const final = await readFile(log, 'utf8');
    const stopOrder = [...final.matchAll(/stopped: (\w+)/g)].map((match) => match[1]);
    assert.deepEqual(stopOrder, ['last', 'middle', 'first']);
  });

  it('shuts down on SIGTERM and SIGINT: exit 0, every child gone', async (t) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const tm = await RunningTaskmaster.startFor(t, `
programs:
  pool: { cmd: "sleep 100", numprocs: 4, starttime: 0 }
  stubborn: { cmd: "${fixtures}/ignore-term.sh", starttime: 0, stoptime: 1 }
`);
      await waitFor(async () => (await tm.status()).every((entry) => entry.state === 'RUNNING'), 'all running');
      const pids = (await tm.status()).map((entry) => entry.pid!);
      // Should the shutdown fail, its children still go when the test ends.
      t.after(() => killAlive(pids));
      tm.child.kill(signal);
      assert.equal(await tm.waitForExit(), 0);
      for (const pid of pids) assert.ok(!isAlive(pid), `pid ${pid} survived ${signal}`);
      assert.match(await tm.log(), /taskmaster stopped/);
    }
  });

  it('stops what a crashed supervisor left behind when the next one starts on its config', async () => {
    const dir = await makeTempDir();
    const first = await RunningTaskmaster.start(`
programs:
  parent:
    cmd: "${fixtures}/spawn-grandchild.sh"
    starttime: 0
    env: { GRANDCHILD_PID_FILE: ${dir}/grandchild.pid }
`, dir);
    const { pid } = await first.waitForState('parent', 'RUNNING');
    const grandchild = Number(await waitFor(async () => (await readFile(join(dir, 'grandchild.pid'), 'utf8').catch(() => '')).trim(), 'grandchild pid'));
    // The record is written off the restart path, soon after the spawn: a crash before that leaves nothing to find.
    const record = leftoverRecordPath(first.configFile)!;
    await waitFor(async () => (await readFile(record, 'utf8').catch(() => '')).includes(`"pid":${pid}`), 'the record to hold the parent');
    first.child.kill('SIGKILL');
    await first.waitForExit();
    assert.ok(isAlive(pid!) && isAlive(grandchild), 'the orphans outlived the crash');
    const second = await RunningTaskmaster.start(`
programs:
  parent: { cmd: "sleep 100", autostart: false }
`, dir);
    try {
      await waitFor(() => !isAlive(pid!) && !isAlive(grandchild), 'the orphans to be killed').catch(async (error: Error) => {
        throw new Error(`${error.message}; the second supervisor's log:\n${await second.log()}`);
      });
      assert.match(await second.log(), /WARN taskmaster pid \d+ died without stopping its programs: stopping 2 processes it left before starting anything/);
    } finally {
      await second.stop();
      // Should the feature fail, the test still leaves nothing behind.
      for (const leftover of [pid!, grandchild]) if (isAlive(leftover)) process.kill(leftover, 'SIGKILL');
    }
  });

  it('writes the event log in supervisord wording and mirrors it to stderr without a shell', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  web: { cmd: "sleep 100", starttime: 0 }
`);
    try {
      await tm.waitForState('web', 'RUNNING');
      const log = await tm.log();
      assert.match(log, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO spawned: 'web' with pid \d+$/m);
      await waitFor(() => tm.stderr.includes("spawned: 'web'"), 'the same line on stderr');
    } finally {
      await tm.stop();
    }
  });
});

describe('taskmaster command line', () => {
  it('prints help and version', async () => {
    const help = await run(process.execPath, [taskmasterBin, '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: taskmaster -c FILE/);
    const version = await run(process.execPath, [taskmasterBin, '--version']);
    assert.match(version.stdout, /^taskmaster \d+\.\d+\.\d+\n$/);
  });

  it('validates a config with --check', async () => {
    const dir = await makeTempDir();
    try {
      const good = join(dir, 'good.yaml');
      const bad = join(dir, 'bad.yaml');
      await writeFile(good, 'programs:\n  a: { cmd: "sleep 1" }\n');
      await writeFile(bad, 'programs:\n  a:\n    cmd: "sleep 1"\n    numprocs: -3\n');
      const ok = await run(process.execPath, [taskmasterBin, '-c', good, '--check']);
      assert.equal(ok.code, 0);
      const rejected = await run(process.execPath, [taskmasterBin, '-c', bad, '--check']);
      assert.equal(rejected.code, 1);
      assert.equal(rejected.stderr.trim(), `${bad}:4:15: programs.a.numprocs: expected a whole number from 1 to 1000, got -3`);
      const missing = await run(process.execPath, [taskmasterBin, '-c', join(dir, 'none.yaml'), '--check']);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /Cannot read config: no such file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('loads the bundled example config', async () => {
    const result = await run(process.execPath, [taskmasterBin, '-c', join(fixtures, '..', '..', 'examples', 'taskmaster.yaml'), '--check']);
    assert.equal(result.code, 0, result.stderr);
  });

  it('detaches with --daemon and stops on taskmasterctl shutdown', async (t) => {
    const dir = await makeTempDir();
    const socket = join(dir, 'tm.sock');
    try {
      await writeFile(join(dir, 'tm.yaml'), 'programs:\n  bg: { cmd: "sleep 100", starttime: 0 }\n');
      const started = await run(process.execPath, [taskmasterBin, '-c', join(dir, 'tm.yaml'), '-s', socket, '--daemon', '--pidfile', join(dir, 'tm.pid')]);
      assert.equal(started.code, 0, started.stderr);
      const pid = Number((await readFile(join(dir, 'tm.pid'), 'utf8')).trim());
      t.after(() => killAlive([pid]));
      assert.ok(isAlive(pid));
      const child = (await waitFor(async () => {
        const bg = await statusOf(socket, 'bg').catch(() => undefined);
        return bg?.state === 'RUNNING' ? bg : undefined;
      }, 'bg running')).pid!;
      t.after(() => killAlive([child]));
      assert.equal((await ctl(socket, 'shutdown')).code, 0);
      await waitFor(() => !isAlive(pid), 'the daemon to exit');
      assert.ok(!isAlive(child));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps running when a child floods stdout and another is killed meanwhile', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  flood: { cmd: "yes flood", stdout: flood.out, starttime: 0 }
  victim: { cmd: "sleep 100", starttime: 0 }
`);
    try {
      const { pid } = await tm.waitForState('victim', 'RUNNING');
      process.kill(pid!, 'SIGKILL');
      await tm.waitForRestart('victim', pid);
    } finally {
      await tm.stop();
    }
  });
});

