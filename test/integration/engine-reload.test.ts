import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ctl, RunningTaskmaster, waitFor, type StatusEntry } from '../helpers.js';

const pidsByName = (entries: StatusEntry[]) => Object.fromEntries(entries.map((entry) => [entry.name, entry.pid]));

const allRunning = (tm: RunningTaskmaster, count: number) =>
  waitFor(async () => {
    const entries = await tm.status();
    return entries.length === count && entries.every((entry) => entry.state === 'RUNNING') ? entries : undefined;
  }, `${count} processes RUNNING`);

describe('reload applies only the difference', () => {
  it('keeps unchanged processes, restarts changed ones, adds and removes programs on SIGHUP', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  keep: { cmd: "sleep 100", starttime: 0 }
  tune: { cmd: "sleep 101", starttime: 0, stoptime: 5 }
  respawn: { cmd: "sleep 102", starttime: 0 }
  gone: { cmd: "sleep 103", starttime: 0 }
`);
    try {
      const before = pidsByName(await allRunning(tm, 4));
      await tm.rewriteConfig(`
programs:
  keep: { cmd: "sleep 100", starttime: 0 }
  tune: { cmd: "sleep 101", starttime: 0, stoptime: 7, autorestart: always, exitcodes: [0, 1] }
  respawn: { cmd: "sleep 202", starttime: 0 }
  fresh: { cmd: "sleep 104", starttime: 0 }
`);
      tm.child.kill('SIGHUP');
      await tm.waitForLog(/reload: added: fresh; changed: tune, respawn; removed: gone/);
      const after = pidsByName(await allRunning(tm, 4));
      assert.equal(after['keep'], before['keep'], 'an unchanged program kept its pid');
      assert.equal(after['tune'], before['tune'], 'a supervision-only change kept its pid');
      assert.notEqual(after['respawn'], before['respawn'], 'a command change restarted the process');
      assert.ok(after['fresh']);
      assert.equal(after['gone'], undefined);
      const log = await tm.log();
      assert.doesNotMatch(log, /stopped: keep|stopped: tune/);
      assert.match(log, /stopped: gone/);
    } finally {
      await tm.stop();
    }
  });

  it('applies supervision settings in place: a new autorestart takes effect without a restart', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  web: { cmd: "sleep 100", starttime: 0, autorestart: unexpected }
`);
    try {
      const { pid } = await tm.waitForState('web', 'RUNNING');
      await tm.rewriteConfig(`
programs:
  web: { cmd: "sleep 100", starttime: 0, autorestart: never }
`);
      const reload = await ctl(tm.socket, 'reload');
      assert.equal(reload.code, 0);
      assert.match(reload.stdout, /web: changed \(autorestart\), applied in place/);
      assert.equal((await tm.process('web')).pid, pid);
      process.kill(pid!, 'SIGKILL');
      const exited = await tm.waitForState('web', 'EXITED');
      assert.equal(exited.signal, 'SIGKILL');
    } finally {
      await tm.stop();
    }
  });

  it('grows numprocs 3 to 5 keeping three pids, and shrinks 5 to 2 stopping the last ones', async () => {
    const config = (numprocs: number) => `
programs:
  pool: { cmd: "sleep 100", numprocs: ${numprocs}, starttime: 0 }
`;
    const tm = await RunningTaskmaster.start(config(3));
    try {
      const three = pidsByName(await allRunning(tm, 3));
      await tm.rewriteConfig(config(5));
      assert.equal((await ctl(tm.socket, 'reload')).code, 0);
      const five = pidsByName(await allRunning(tm, 5));
      for (const name of ['pool:pool_00', 'pool:pool_01', 'pool:pool_02']) assert.equal(five[name], three[name], name);
      await tm.rewriteConfig(config(2));
      assert.equal((await ctl(tm.socket, 'reload')).code, 0);
      const two = pidsByName(await allRunning(tm, 2));
      assert.deepEqual(two, { 'pool:pool_00': three['pool:pool_00'], 'pool:pool_01': three['pool:pool_01'] });
    } finally {
      await tm.stop();
    }
  });

  it('rejects a broken config whole and changes nothing', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  web: { cmd: "sleep 100", starttime: 0 }
`);
    try {
      const { pid } = await tm.waitForState('web', 'RUNNING');
      await tm.rewriteConfig(`
programs:
  web: { cmd: "sleep 200", starttime: 0 }
  extra: { cmd: "sleep 1", numprocs: zero }
`);
      tm.child.kill('SIGHUP');
      const log = await tm.waitForLog(/reload rejected, nothing changed: .*programs\.extra\.numprocs: expected a whole number from 1 to 1000, got zero/);
      assert.match(log, /taskmaster\.yaml:4:\d+: programs\.extra\.numprocs/);
      const viaCtl = await ctl(tm.socket, 'reload');
      assert.equal(viaCtl.code, 1);
      assert.match(viaCtl.stderr, /programs\.extra\.numprocs/);
      const entries = await tm.status();
      assert.deepEqual(entries.map((entry) => [entry.name, entry.pid, entry.state]), [['web', pid, 'RUNNING']]);
      assert.equal(tm.child.exitCode, null);
    } finally {
      await tm.stop();
    }
  });

  it('reread shows the difference without applying it', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  web: { cmd: "sleep 100", starttime: 0 }
`);
    try {
      const { pid } = await tm.waitForState('web', 'RUNNING');
      await tm.rewriteConfig(`
programs:
  web: { cmd: "sleep 300", starttime: 0 }
  more: { cmd: "sleep 1" }
`);
      const reread = await ctl(tm.socket, 'reread');
      assert.equal(reread.code, 0);
      assert.match(reread.stdout, /more: available/);
      assert.match(reread.stdout, /web: changed \(cmd\), would restart/);
      assert.deepEqual((await tm.status()).map((entry) => [entry.name, entry.pid]), [['web', pid]]);
    } finally {
      await tm.stop();
    }
  });

  it('reloads by itself when watch_config is on and the file changes', async () => {
    const tm = await RunningTaskmaster.start(`
watch_config: true
programs:
  web: { cmd: "sleep 100", starttime: 0 }
`);
    try {
      await tm.waitForState('web', 'RUNNING');
      await tm.rewriteConfig(`
watch_config: true
programs:
  web: { cmd: "sleep 100", starttime: 0 }
  added: { cmd: "sleep 100", starttime: 0 }
`);
      await tm.waitForState('added', 'RUNNING');
      assert.match(await tm.log(), /config file .* changed, reloading/);
    } finally {
      await tm.stop();
    }
  });
});
