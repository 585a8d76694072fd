import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ctl, isAlive, makeTempDir, RunningTaskmaster, waitFor } from '../helpers.js';

// A child that says READY=1 itself, the way a program linked with libsystemd would, and then keeps running.
const pythonNotify = ['import os, socket, time', 'time.sleep(0.5)', 's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)', 's.sendto(b"STATUS=warm\\nREADY=1", os.environ["NOTIFY_SOCKET"])', 'time.sleep(100)', ''].join('\n');

describe('ready: notify', () => {
  it('gives the child a NOTIFY_SOCKET and makes it RUNNING on its READY=1 (python3, and systemd-notify from a descendant)', async () => {
    const dir = await makeTempDir();
    await writeFile(join(dir, 'notify.py'), pythonNotify);
    const tm = await RunningTaskmaster.start(`
programs:
  direct: { cmd: "python3 ${dir}/notify.py", starttime: 0, ready: notify }
  helper:
    cmd: "sh -c 'echo socket=$NOTIFY_SOCKET; sleep 0.5; systemd-notify --ready --status=up; exec sleep 100'"
    starttime: 0
    ready: { notify: true, deadline: 20s }
  plain: { cmd: "sh -c 'echo socket=[$NOTIFY_SOCKET]; exec sleep 100'", starttime: 0 }
`, dir, { ...process.env, NOTIFY_SOCKET: '/nonexistent/taskmaster-parent.sock' });
    try {
      // STARTING without a pid is the wait before the spawn (the socket being bound): the detail comes with the pid.
      const starting = await waitFor(async () => {
        const entry = await tm.process('helper');
        return entry.state === 'STARTING' && entry.pid !== null ? entry : undefined;
      }, 'helper to be STARTING with a pid');
      assert.match((await tm.process('helper')).description, /no READY=1 on NOTIFY_SOCKET yet/);
      const direct = await tm.waitForState('direct', 'RUNNING');
      const helper = await tm.waitForState('helper', 'RUNNING');
      assert.equal(helper.pid, starting.pid);
      assert.ok(direct.pid);
      const log = await tm.log();
      assert.match(log, /success: direct entered RUNNING state, its ready check passed/);
      assert.match(log, /success: helper entered RUNNING state, its ready check passed/);
      assert.equal((await ctl(tm.socket, 'tail', 'helper')).stdout.trim(), `socket=${tm.socket}.notify`);
      // A program without ready: notify is not handed taskmaster's own NOTIFY_SOCKET.
      await waitFor(async () => (await ctl(tm.socket, 'tail', 'plain')).stdout.includes('socket=[]'), 'plain to print an empty NOTIFY_SOCKET');
      assert.ok(existsSync(`${tm.socket}.notify`));
    } finally {
      await tm.stop();
    }
    assert.ok(!existsSync(`${tm.socket}.notify`), 'the NOTIFY_SOCKET file is removed at shutdown');
  });

  it('fails a start that never sends READY=1: BACKOFF at the deadline, then FATAL; a READY=1 from a stranger does not count', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  mute: { cmd: "sleep 1000", starttime: 0, startretries: 1, autostart: false, ready: { notify: true, deadline: 1s } }
`);
    try {
      const start = ctl(tm.socket, 'start', 'mute');
      await tm.waitForState('mute', 'STARTING');
      // Sent by a process outside mute's tree (this test's own child): ignored.
      await waitFor(() => existsSync(`${tm.socket}.notify`), 'the NOTIFY_SOCKET');
      const stranger = await new Promise<number | null>((resolve) => {
        import('node:child_process').then(({ spawn }) => {
          const child = spawn('python3', ['-c', 'import os, socket; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"READY=1", os.environ["NOTIFY_SOCKET"])'], { env: { ...process.env, NOTIFY_SOCKET: `${tm.socket}.notify` }, stdio: 'ignore' });
          child.on('exit', (code) => resolve(code));
        });
      });
      assert.equal(stranger, 0);
      const result = await start;
      assert.equal(result.code, 1, `${result.stdout}${result.stderr}`);
      const entry = await tm.process('mute');
      assert.equal(entry.state, 'FATAL');
      assert.match(entry.description, /^ready check did not pass within 1s \(last: no READY=1 on NOTIFY_SOCKET yet\); terminated by SIGTERM; see \S+$/);
      const log = await tm.log();
      assert.match(log, /backoff: mute will retry in 1s/);
      const pids = [...log.matchAll(/spawned: 'mute' with pid (\d+)/g)].map((match) => Number(match[1]));
      assert.equal(pids.length, 2);
      for (const pid of pids) assert.ok(!isAlive(pid), `pid ${pid} was left running`);
    } finally {
      await tm.stop();
    }
  });
});
