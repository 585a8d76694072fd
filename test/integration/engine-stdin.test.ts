import assert from 'node:assert/strict';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApiClient } from '../../src/control/api-client.js';
import { ctl, makeTempDir, RunningTaskmaster, tailOf, waitFor } from '../helpers.js';

/** Our environment as systemd or `env -i` would leave SHLVL (unset), with HOME a folder of the test's. */
function cleanEnvironment(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  delete env['SHLVL'];
  return env;
}

const openFdCount = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;

describe("a child's stdin", () => {
  it('is a pipe, so bash does not take itself for an ssh session and source ~/.bashrc; input still reaches the child', async (t) => {
    const dir = await makeTempDir();
    const home = await makeTempDir('tm-stdin-home-');
    const marker = join(home, 'bashrc-ran');
    await writeFile(join(home, '.bashrc'), `echo ran > ${marker}\n`);
    const body = `
programs:
  probe:
    cmd: ["bash", "-c", "if test -S /dev/stdin; then echo socket; else echo notsocket; fi; exec cat"]
    starttime: 0
`;
    const tm = await RunningTaskmaster.start(body, dir, cleanEnvironment(home));
    t.after(() => tm.stop());
    const { pid } = await tm.waitForState('probe', 'RUNNING');
    await waitFor(async () => /socket/.test(await tailOf(tm.socket, 'probe')), 'the probe to say what its stdin is');
    assert.equal((await tailOf(tm.socket, 'probe')).trim(), 'notsocket');
    assert.equal(existsSync(marker), false, 'bash sourced ~/.bashrc');
    // fd 0 is the pipe's read end; our write end is CLOEXEC, so cat alone holds the pipe and sees EOF when we close it.
    const stdinPipe = readlinkSync(`/proc/${pid}/fd/0`);
    assert.match(stdinPipe, /^pipe:/);
    const sharing = readdirSync(`/proc/${pid}/fd`).filter((fd) => fd !== '0' && readlinkSync(`/proc/${pid}/fd/${fd}`) === stdinPipe);
    assert.deepEqual(sharing, [], 'the child holds the write end of its own stdin');

    await new ApiClient(tm.socket).writeStdin('probe', 'typed line\n');
    await waitFor(async () => (await tailOf(tm.socket, 'probe')).includes('typed line'), 'the typed line to come back from cat');
  });

  it('leaves no descriptor behind over many restarts, and a write to a closed stdin does not hurt the supervisor', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  reader: { cmd: "cat", starttime: 0, stdout: discard }
  deaf: { cmd: ["bash", "-c", "exec 0<&-; exec sleep 1000"], starttime: 0 }
`);
    const supervisorPid = tm.child.pid!;
    let { pid } = await tm.waitForState('reader', 'RUNNING');
    await tm.waitForState('deaf', 'RUNNING');
    const before = openFdCount(supervisorPid);
    for (let round = 0; round < 20; round += 1) {
      const restarted = await ctl(tm.socket, 'restart', 'reader');
      assert.equal(restarted.code, 0, restarted.stderr);
      pid = (await tm.waitForRestart('reader', pid)).pid;
    }
    // Closing is asynchronous: wait for the count to settle, at most a couple over what it was.
    const after = await waitFor(() => {
      const count = openFdCount(supervisorPid);
      return count <= before + 2 ? count : undefined;
    }, `the supervisor's descriptors to settle near ${before}`).catch(() => openFdCount(supervisorPid));
    assert.ok(after <= before + 2, `supervisor fds: ${before} before 20 restarts, ${after} after`);

    const api = new ApiClient(tm.socket);
    await api.writeStdin('deaf', 'nobody reads this\n').catch(() => {});
    await api.writeStdin('deaf', 'nor this\n').catch(() => {});
    assert.equal((await tm.process('deaf')).state, 'RUNNING');
    assert.equal(tm.child.exitCode, null, tm.stderr);
  });
});
