import assert from 'node:assert/strict';
import { chmod, lchown, link, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ctl, makeTempDir, run, RunningTaskmaster, waitFor } from '../helpers.js';
import { createSystemUser } from '../system-user.js';

const readText = (path: string) => readFile(path, 'utf8').catch(() => '');
const modeOf = async (path: string) => (await stat(path)).mode & 0o7777;

describe('files taskmaster writes', () => {
  it('creates output files and the event log 0600 in 0700 folders, and logfile_mode changes it', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
    const user = await createSystemUser('filesec');
    // The second user can walk into this folder, so only the files' own modes stand in the way.
    const dir = await makeTempDir();
    await chmod(dir, 0o755);
    await writeFile(join(dir, 'old.out'), 'from before\n', { mode: 0o644 });
    await chmod(join(dir, 'old.out'), 0o644);
    let tm: RunningTaskmaster | undefined;
    try {
      tm = await RunningTaskmaster.start(`
programs:
  secret:
    cmd: "sh -c 'echo topsecret; echo oops >&2; exec sleep 1000'"
    stdout: secret.out
  shared:
    cmd: "sh -c 'echo for the group; exec sleep 1000'"
    stdout: shared.out
    stderr: new/deeper/shared.err
    logfile_mode: 0640
  old:
    cmd: "sh -c 'echo again; exec sleep 1000'"
    stdout: old.out
`, dir);
      await waitFor(async () => (await readText(join(dir, 'secret.out'))) === 'topsecret\n', 'secret output');
      await waitFor(async () => (await readText(join(dir, 'shared.out'))) === 'for the group\n', 'shared output');
      await waitFor(async () => (await readText(join(dir, 'old.out'))).endsWith('again\n'), 'old output');
      await waitFor(async () => (await readdir(join(dir, 'logs')).catch((): string[] => [])).includes('secret.stderr.log'), 'the auto stderr file of secret');
      assert.equal((await modeOf(join(dir, 'secret.out'))).toString(8), '600');
      assert.equal((await modeOf(join(dir, 'logs'))).toString(8), '700');
      assert.equal((await modeOf(join(dir, 'logs', 'secret.stderr.log'))).toString(8), '600');
      assert.equal((await modeOf(tm.logFile)).toString(8), '600');
      assert.equal((await modeOf(join(dir, 'shared.out'))).toString(8), '640');
      assert.equal((await modeOf(join(dir, 'new'))).toString(8), '700');
      assert.equal((await modeOf(join(dir, 'new', 'deeper'))).toString(8), '700');
      assert.equal((await modeOf(join(dir, 'new', 'deeper', 'shared.err'))).toString(8), '640');
      // A file of ours from before the setting gets the mode too: its old readers lose it.
      assert.equal((await modeOf(join(dir, 'old.out'))).toString(8), '600');
      const peek = await run('runuser', ['-u', user.name, '--', 'cat', join(dir, 'secret.out')]);
      assert.notEqual(peek.code, 0, 'another user read the output');
      assert.match(peek.stderr, /Permission denied/);
    } finally {
      await tm?.stop();
      await user.remove();
    }
  });

  it('never follows a link or writes another user\'s file in a sticky world-writable folder', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
    const user = await createSystemUser('filesec');
    const dir = await makeTempDir();
    const publicDir = join(dir, 'public');
    const privateDir = join(dir, 'private');
    await mkdir(publicDir);
    await chmod(publicDir, 0o1777);
    await mkdir(privateDir, { mode: 0o700 });
    const rootOnly = join(privateDir, 'root-only');
    const rootOnlyLinked = join(privateDir, 'root-only-linked');
    await writeFile(rootOnly, 'root secret\n', { mode: 0o600 });
    await writeFile(rootOnlyLinked, 'root secret 2\n', { mode: 0o600 });
    // What another user could leave in /tmp under the names taskmaster will open.
    await symlink(rootOnly, join(publicDir, 'web.out'));
    await lchown(join(publicDir, 'web.out'), user.uid, user.gid);
    await writeFile(join(publicDir, 'web.err'), 'planted\n', { mode: 0o666 });
    await lchown(join(publicDir, 'web.err'), user.uid, user.gid);
    await link(rootOnlyLinked, join(publicDir, 'job.out'));
    await symlink(rootOnly, join(publicDir, 'idle.out'));
    await lchown(join(publicDir, 'idle.out'), user.uid, user.gid);
    let tm: RunningTaskmaster | undefined;
    try {
      tm = await RunningTaskmaster.start(`
programs:
  web:
    cmd: "sh -c 'while true; do echo to-stdout; echo to-stderr >&2; sleep 0.2; done'"
    stdout: public/web.out
    stderr: public/web.err
  job:
    cmd: "sh -c 'while true; do echo to-job; sleep 0.2; done'"
    stdout: public/job.out
  idle:
    cmd: "sleep 1000"
    autostart: false
    stdout: public/idle.out
  fresh:
    cmd: "sh -c 'i=0; while true; do i=$((i+1)); echo line $i; sleep 0.2; done'"
    stdout: public/fresh.out
`, dir);
      await tm.waitForLog(/cannot write .*web\.out.*symbolic link/);
      await tm.waitForLog(/cannot write .*web\.err: it belongs to uid \d+ in the sticky world-writable folder/);
      await tm.waitForLog(/cannot write .*job\.out: it has 2 hard links in .*public, a folder others can write/);
      // A file taskmaster creates itself in the same folder is fine; waiting for line 15 spans several retries.
      await waitFor(async () => /^line 15$/m.test(await readText(join(publicDir, 'fresh.out'))), 'fresh output');
      assert.equal((await stat(join(publicDir, 'fresh.out'))).uid, process.geteuid!());
      // clear of a process that is not running opens its file the same way.
      const cleared = await ctl(tm.socket, 'clear', 'idle');
      assert.equal(cleared.code, 1);
      assert.match(cleared.stdout + cleared.stderr, /cannot clear .*idle\.out: it is a symbolic link/);
      assert.equal(await readFile(rootOnly, 'utf8'), 'root secret\n');
      assert.equal(await readFile(rootOnlyLinked, 'utf8'), 'root secret 2\n');
      assert.equal(await readFile(join(publicDir, 'web.err'), 'utf8'), 'planted\n');
      const text = await tm.log();
      // Said once per file, not once per retry.
      assert.equal(text.match(/cannot write .*web\.out/g)?.length, 1, text);
      assert.equal(text.match(/cannot write .*web\.err/g)?.length, 1, text);
      assert.equal(text.match(/cannot write .*job\.out/g)?.length, 1, text);
    } finally {
      await tm?.stop();
      await user.remove();
    }
  });
});
