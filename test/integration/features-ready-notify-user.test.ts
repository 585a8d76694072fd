import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, it } from 'node:test';
import { RunningTaskmaster, tailOf, waitFor } from '../helpers.js';
import { createSystemUser } from '../system-user.js';

// Sends READY=1 as a program linked with libsystemd would, after saying where it sends it (the system python: root's PATH may lead to root's own)
const notifyCmd = `/usr/bin/python3 -c 'import os, socket, time; print(os.environ["NOTIFY_SOCKET"], flush=True); socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"READY=1", os.environ["NOTIFY_SOCKET"]); time.sleep(100)'`;

describe('ready: notify with user:', () => {
  it('gives a program that drops privileges a NOTIFY_SOCKET it can reach, in a folder of its own, removed at shutdown', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
    const user = await createSystemUser('notify');
    let tm: RunningTaskmaster | undefined;
    try {
      // The control socket's folder is this test's temporary folder: 0700, root's.
      tm = await RunningTaskmaster.start(`
programs:
  dropped: { cmd: "${notifyCmd.replaceAll('"', '\\"')}", user: ${user.name}, workingdir: /, starttime: 0, startretries: 0, ready: { notify: true, deadline: 20s } }
  own: { cmd: "${notifyCmd.replaceAll('"', '\\"')}", starttime: 0, ready: notify }
`);
      assert.equal(statSync(tm.dir).mode & 0o777, 0o700);
      const dropped = await tm.waitForState('dropped', 'RUNNING', 30_000);
      await tm.waitForState('own', 'RUNNING');
      assert.ok(dropped.pid);
      const path = await waitFor(async () => (await tailOf(tm!.socket, 'dropped')).trim(), 'dropped to print its NOTIFY_SOCKET');
      assert.notEqual(path, `${tm.socket}.notify`, 'the user cannot reach the socket beside the control socket');
      const folder = statSync(dirname(path));
      assert.deepEqual([folder.uid, folder.mode & 0o777], [user.uid, 0o700], 'the folder is the user\'s alone');
      assert.equal(statSync(path).uid, user.uid);
      assert.equal((await tailOf(tm.socket, 'own')).trim(), `${tm.socket}.notify`, 'a program of taskmaster\'s own user keeps the usual socket');
      assert.equal(await tm.stop(), 0);
      assert.ok(!existsSync(dirname(path)), 'the user\'s folder is removed at shutdown');
    } finally {
      await tm?.stop();
      await user.remove();
    }
  });
});
