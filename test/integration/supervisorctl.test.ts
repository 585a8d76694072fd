import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isAlive, run, RunningTaskmaster, waitFor } from '../helpers.js';
import { supervisorctl, supervisorctlBin } from '../supervisorctl.js';
import { ApiClient } from '../../src/control/api-client.js';

const pidOf = async (socket: string, name: string): Promise<number> => Number((await supervisorctl(socket, 'pid', name)).stdout.trim());

const config = `
programs:
  web: { cmd: "sh -c 'while true; do echo hello from web; sleep 0.2; done'", starttime: 0 }
  worker: { cmd: "sleep 1000", numprocs: 2, starttime: 0 }
  idle: { cmd: "sleep 1000", autostart: false, starttime: 0 }
  broken: { cmd: "sh -c 'exit 3'", autostart: false, starttime: 1, startretries: 0 }
`;

describe('the real supervisorctl against Taskmaster', () => {
  it('shows status with supervisord wording and exit codes: 3 when one is stopped, 4 for a bad name', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, config);
    await tm.waitForState('worker:worker_01', 'RUNNING');
    const all = await supervisorctl(tm.socket, 'status');
    assert.equal(all.code, 3, all.stdout);
    assert.match(all.stdout, /^idle\s+STOPPED\s+Not started$/m);
    assert.match(all.stdout, /^web\s+RUNNING\s+pid \d+, uptime 0:00:\d\d$/m);
    assert.match(all.stdout, /^worker:worker_00\s+RUNNING\s+pid \d+/m);
    const running = await supervisorctl(tm.socket, 'status', 'web', 'worker:*');
    assert.equal(running.code, 0, running.stdout);
    const bad = await supervisorctl(tm.socket, 'status', 'nosuch');
    assert.equal(bad.code, 4);
    assert.match(bad.stdout, /^nosuch: ERROR \(no such process\)$/m);
  });

  it('starts, stops and restarts by name, group:* and all', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, config);
    await tm.waitForState('worker:worker_01', 'RUNNING');
    const started = await supervisorctl(tm.socket, 'start', 'idle');
    assert.deepEqual([started.code, started.stdout], [0, 'idle: started\n']);
    const again = await supervisorctl(tm.socket, 'start', 'idle');
    assert.equal(again.stdout, 'idle: ERROR (already started)\n');
    const stopped = await supervisorctl(tm.socket, 'stop', 'worker:*');
    assert.equal(stopped.code, 0);
    assert.equal(stopped.stdout, 'worker:worker_00: stopped\nworker:worker_01: stopped\n');
    assert.equal((await tm.process('worker:worker_00')).state, 'STOPPED');
    const notRunning = await supervisorctl(tm.socket, 'stop', 'worker:worker_00');
    assert.equal(notRunning.stdout, 'worker:worker_00: ERROR (not running)\n');
    const oldWeb = await pidOf(tm.socket, 'web');
    const restarted = await supervisorctl(tm.socket, 'restart', 'web');
    assert.equal(restarted.stdout, 'web: stopped\nweb: started\n');
    assert.notEqual(await pidOf(tm.socket, 'web'), oldWeb);
    const spawnError = await supervisorctl(tm.socket, 'start', 'broken');
    assert.equal(spawnError.code, 7, spawnError.stdout);
    assert.match(spawnError.stdout, /^broken: ERROR \(spawn error\)$/m);
    const allStopped = await supervisorctl(tm.socket, 'stop', 'all');
    assert.equal(allStopped.code, 0);
    assert.match(allStopped.stdout, /^web: stopped$/m);
    assert.match(allStopped.stdout, /^idle: stopped$/m);
    const allStarted = await supervisorctl(tm.socket, 'start', 'all');
    assert.match(allStarted.stdout, /^worker:worker_01: started$/m);
    assert.equal((await tm.process('web')).state, 'RUNNING');
  });

  it('signals, and answers pid, version and avail', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, config);
    await tm.waitForState('web', 'RUNNING');
    const signalled = await supervisorctl(tm.socket, 'signal', 'HUP', 'web');
    assert.deepEqual([signalled.code, signalled.stdout], [0, 'web: signalled\n']);
    await tm.waitForLog(/web.*SIGHUP/);
    const badSignal = await supervisorctl(tm.socket, 'signal', 'BOGUS', 'web');
    assert.match(badSignal.stdout, /^web: ERROR \(bad signal name\)$/m);
    const notRunning = await supervisorctl(tm.socket, 'signal', 'HUP', 'idle');
    assert.match(notRunning.stdout, /^idle: ERROR \(not running\)$/m);
    assert.equal((await supervisorctl(tm.socket, 'pid')).stdout.trim(), String(tm.child.pid));
    assert.equal(await pidOf(tm.socket, 'web'), (await tm.process('web')).pid);
    assert.match((await supervisorctl(tm.socket, 'version')).stdout, /^\d+\.\d+\.\d+/);
    const avail = await supervisorctl(tm.socket, 'avail');
    assert.match(avail.stdout, /^idle\s+in use\s+manual\s+\d+:\d+$/m);
    assert.match(avail.stdout, /^worker:worker_01\s+in use\s+auto\s+\d+:\d+$/m);
  });

  it('tails a log, follows it with tail -f until killed, and reads and follows the main log', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, config);
    await tm.waitForState('web', 'RUNNING');
    await waitFor(async () => (await supervisorctl(tm.socket, 'tail', 'web')).stdout.includes('hello from web'), 'web output in tail');
    const bytes = await supervisorctl(tm.socket, 'tail', '-15', 'web');
    assert.equal(bytes.stdout.length, 16, JSON.stringify(bytes.stdout));
    const follower = spawn(supervisorctlBin, ['-s', `unix://${tm.socket}`, 'tail', '-f', 'web'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let followed = '';
    follower.stdout.setEncoding('utf8').on('data', (text: string) => (followed += text));
    try {
      await waitFor(() => followed.includes('==> Press Ctrl-C to exit <==') && followed.split('hello from web').length > 12, 'tail -f to keep printing', 20_000);
    } finally {
      process.kill(follower.pid!, 'SIGKILL');
    }
    await waitFor(() => follower.exitCode !== null || follower.signalCode !== null, 'tail -f to end');
    const main = await supervisorctl(tm.socket, 'maintail');
    assert.match(main.stdout, /spawned: 'web'/);
    const mainFollower = spawn(supervisorctlBin, ['-s', `unix://${tm.socket}`, 'maintail', '-f'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let mainFollowed = '';
    mainFollower.stdout.setEncoding('utf8').on('data', (text: string) => (mainFollowed += text));
    try {
      await waitFor(() => mainFollowed.includes('spawned'), 'maintail -f to show the log');
      await supervisorctl(tm.socket, 'start', 'idle');
      await waitFor(() => mainFollowed.includes("spawned: 'idle'"), 'maintail -f to follow the log');
    } finally {
      process.kill(mainFollower.pid!, 'SIGKILL');
    }
    const missing = await supervisorctl(tm.socket, 'tail', 'nosuch');
    assert.match(missing.stdout, /nosuch: ERROR \(no such process name\)/);
  });

  it('rereads and updates differentially, and adds and removes programs', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, config);
    await tm.waitForState('worker:worker_01', 'RUNNING');
    const webPid = await pidOf(tm.socket, 'web');
    const workerPid = await pidOf(tm.socket, 'worker:worker_00');
    await tm.rewriteConfig(`
programs:
  web: { cmd: "sh -c 'while true; do echo hello from web; sleep 0.2; done'", starttime: 0, stoptime: 7 }
  worker: { cmd: "sleep 999", numprocs: 2, starttime: 0 }
  fresh: { cmd: "sleep 1000", starttime: 0 }
`);
    const reread = await supervisorctl(tm.socket, 'reread');
    assert.equal(reread.code, 0);
    assert.equal(reread.stdout, 'broken: disappeared\nfresh: available\nidle: disappeared\nworker: changed\n');
    const avail = await supervisorctl(tm.socket, 'avail');
    assert.match(avail.stdout, /^fresh\s+avail\s+auto/m);
    const update = await supervisorctl(tm.socket, 'update');
    assert.equal(update.code, 0, update.stdout);
    assert.match(update.stdout, /^idle: removed process group$/m);
    assert.match(update.stdout, /^worker: updated process group$/m);
    assert.match(update.stdout, /^fresh: added process group$/m);
    // A supervision-only change (stoptime) applied in place: web kept its pid and has its new stop time.
    assert.equal(await pidOf(tm.socket, 'web'), webPid);
    const web = (await new ApiClient(tm.socket).avail()).find((program) => program.name === 'web');
    assert.equal(web?.processes?.[0]?.stopWaitSecs, 7);
    await tm.waitForState('worker:worker_00', 'RUNNING');
    assert.notEqual(await pidOf(tm.socket, 'worker:worker_00'), workerPid);
    await tm.waitForState('fresh', 'RUNNING');
    const stillRunning = await supervisorctl(tm.socket, 'remove', 'fresh');
    assert.equal(stillRunning.code, 1);
    assert.match(stillRunning.stdout, /ERROR: process\/group still running: fresh/);
    await supervisorctl(tm.socket, 'stop', 'fresh');
    const removed = await supervisorctl(tm.socket, 'remove', 'fresh');
    assert.deepEqual([removed.code, removed.stdout], [0, 'fresh: removed process group\n']);
    assert.equal((await tm.status()).some((process) => process.name === 'fresh'), false);
    const added = await supervisorctl(tm.socket, 'add', 'fresh');
    assert.deepEqual([added.code, added.stdout], [0, 'fresh: added process group\n']);
    await tm.waitForState('fresh', 'RUNNING');
    const twice = await supervisorctl(tm.socket, 'add', 'fresh');
    assert.match(twice.stdout, /ERROR: process group already active/);
    const unknown = await supervisorctl(tm.socket, 'add', 'nosuch');
    assert.match(unknown.stdout, /ERROR: no such process\/group: nosuch/);
    await tm.rewriteConfig('programs:\n  web: [broken\n');
    const bad = await supervisorctl(tm.socket, 'reread');
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /ERROR: CANT_REREAD: /);
  });

  it('clears a log', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, config);
    await waitFor(async () => (await supervisorctl(tm.socket, 'tail', 'web')).stdout.includes('hello'), 'web output');
    await supervisorctl(tm.socket, 'stop', 'web');
    const cleared = await supervisorctl(tm.socket, 'clear', 'web');
    assert.deepEqual([cleared.code, cleared.stdout], [0, 'web: cleared\n']);
    assert.equal((await supervisorctl(tm.socket, 'tail', 'web')).stdout.trim(), '');
    const all = await supervisorctl(tm.socket, 'clear', 'all');
    assert.match(all.stdout, /^worker:worker_01: cleared$/m);
  });

  it('reload restarts every process with the config read again, as supervisord does', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, config);
    await tm.waitForState('worker:worker_01', 'RUNNING');
    await supervisorctl(tm.socket, 'start', 'idle');
    const webPid = await pidOf(tm.socket, 'web');
    const workerPid = await pidOf(tm.socket, 'worker:worker_01');
    const reload = await supervisorctl(tm.socket, 'reload');
    assert.deepEqual([reload.code, reload.stdout], [0, 'Restarted supervisord\n']);
    await waitFor(async () => {
      const pids = await Promise.all([pidOf(tm.socket, 'web'), pidOf(tm.socket, 'worker:worker_01')]);
      return pids[0] !== webPid && pids[0] !== 0 && pids[1] !== workerPid && pids[1] !== 0;
    }, 'every autostart process to run under a new pid');
    // supervisord starts only autostart programs after a restart.
    await tm.waitForState('idle', 'STOPPED');
  });

  it('shuts Taskmaster down', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, config);
    await tm.waitForState('web', 'RUNNING');
    const webPid = (await tm.process('web')).pid!;
    const shutdown = await supervisorctl(tm.socket, 'shutdown');
    assert.deepEqual([shutdown.code, shutdown.stdout], [0, 'Shut down\n']);
    assert.equal(await tm.waitForExit(), 0);
    assert.equal(isAlive(webPid), false);
    const after = await supervisorctl(tm.socket, 'status');
    assert.equal(after.code, 4);
    assert.match(after.stdout, new RegExp(`unix://${join(tm.dir, 'tm.sock')} no such file`));
  });

  it('reads a raw UTF-8 name in the request line of /logtail (as tail -f and fg send it) instead of refusing the request', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, config);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(tm.socket, () => socket.write(Buffer.concat([Buffer.from('GET /logtail/'), Buffer.from('wéb_öäü', 'utf8'), Buffer.from('/stdout HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')])));
      let text = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(reply, /^HTTP\/1\.1 404 /);
    assert.match(reply, /wéb_öäü/);
  });
});
