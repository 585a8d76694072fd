import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApiClient } from '../../src/control/api-client.js';
import { makeTempDir, run, RunningTaskmaster, waitFor } from '../helpers.js';
import { createSystemUser } from '../system-user.js';

const readText = (path: string) => readFile(path, 'utf8').catch(() => '');

/** Uid, Gid and Groups as the kernel holds them for a pid. */
async function credentialsOf(pid: number): Promise<{ uid: string; gid: string; groups: string }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => (new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '').trim().split(/\s+/);
  return { uid: field('Uid')[0]!, gid: field('Gid')[0]!, groups: field('Groups').filter(Boolean).sort().join(' ') };
}

describe('user: a login as that user', () => {
  it('gives the child the uid, gid and supplementary groups of the user, with HOME, USER and LOGNAME', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
    const user = await createSystemUser('priv', 2);
    let tm: RunningTaskmaster | undefined;
    try {
      tm = await RunningTaskmaster.start(`
programs:
  worker:
    cmd: "sh -c 'id; echo HOME=$HOME USER=$USER LOGNAME=$LOGNAME; exec sleep 1000'"
    user: ${user.name}
    workingdir: /
    stdout: worker.out
`);
      const out = join(tm.dir, 'worker.out');
      const text = await waitFor(async () => ((await readText(out)).includes('LOGNAME=') ? readText(out) : undefined), 'the child to report');
      const login = await run('id', [user.name]);
      const passwd = (await readFile('/etc/passwd', 'utf8')).split('\n').find((line) => line.startsWith(`${user.name}:`))!;
      assert.equal(text.split('\n')[0], login.stdout.trim());
      assert.match(login.stdout, new RegExp(user.groups[1]!));
      assert.match(text, new RegExp(`^HOME=${passwd.split(':')[5]} USER=${user.name} LOGNAME=${user.name}$`, 'm'));
      // setpriv execs the command: the pid taskmaster watches is the dropped process itself.
      const { pid } = await tm.waitForState('worker', 'RUNNING');
      const expectedGroups = (await run('id', ['-G', user.name])).stdout.trim().split(' ').sort().join(' ');
      assert.deepEqual(await credentialsOf(pid!), { uid: String(user.uid), gid: String(user.gid), groups: expectedGroups });
      assert.match(await readFile(`/proc/${pid}/cmdline`, 'utf8'), /^\S*sleep\x001000\x00$/);
    } finally {
      await tm?.stop();
      await user.remove();
    }
  });

  it('without setpriv, warns once and still switches uid and gid', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
    const user = await createSystemUser('priv', 1);
    const savedPath = process.env['PATH'];
    let tm: RunningTaskmaster | undefined;
    try {
      // The supervisor looks for setpriv in its PATH; the commands are given by full path.
      process.env['PATH'] = '/nonexistent';
      tm = await RunningTaskmaster.start(`
programs:
  worker:
    cmd: "/bin/sh -c '/usr/bin/id; exec /bin/sleep 1000'"
    user: ${user.name}
    numprocs: 2
    workingdir: /
    stdout: worker.out
`);
      process.env['PATH'] = savedPath;
      const log = await tm.waitForLog(/WARN setpriv \(util-linux\) is not in PATH/);
      await waitFor(async () => (await readText(join(tm!.dir, 'worker.out'))).split('\n').length > 2, 'both children to report');
      const ids = (await readText(join(tm.dir, 'worker.out'))).trim().split('\n');
      assert.equal(ids[0], `uid=${user.uid}(${user.name}) gid=${user.gid}(${user.name}) groups=${user.gid}(${user.name})`);
      assert.equal((await tm.log()).match(/setpriv \(util-linux\) is not in PATH/g)?.length, 1, log);
    } finally {
      process.env['PATH'] = savedPath;
      await tm?.stop();
      await user.remove();
    }
  });
  it('runs the prestart, poststop, ready and health commands as the user too, never as root', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
    const user = await createSystemUser('hooks', 1);
    let tm: RunningTaskmaster | undefined;
    const dir = await makeTempDir();
    try {
      // The user must be able to write where the hooks report (not the socket's folder, which must stay private).
      const reports = join(dir, 'reports');
      await chmod(dir, 0o711);
      await mkdir(reports);
      await chmod(reports, 0o777);
      const report = (what: string) => `"sh -c 'id > ${reports}/${what}.id'"`;
      tm = await RunningTaskmaster.start(`
programs:
  worker:
    cmd: "sleep 1000"
    user: ${user.name}
    workingdir: /
    starttime: 0
    prestart: ${report('prestart')}
    poststop: ${report('poststop')}
    ready: { cmd: ${report('ready')}, interval: 200ms }
    healthcheck: { cmd: ${report('health')}, interval: 200ms }
`, dir);
      await tm.waitForState('worker', 'RUNNING').catch(async (error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(await tm!.process('worker'))}\n${await tm!.log()}`);
      });
      await waitFor(async () => (await readText(join(reports, 'health.id'))).trim() || undefined, 'a health check to run');
      await new ApiClient(tm.socket).stop(['worker']);
      const login = (await run('id', [user.name])).stdout.trim();
      for (const what of ['prestart', 'ready', 'health', 'poststop']) {
        const text = await waitFor(async () => (await readText(join(reports, `${what}.id`))).trim() || undefined, `the ${what} command to report`);
        assert.equal(text, login, `${what} ran as ${text}`);
      }
    } finally {
      await tm?.stop();
      await rm(dir, { recursive: true, force: true });
      await user.remove();
    }
  });
});
