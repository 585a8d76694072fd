import assert from 'node:assert/strict';
import { request } from 'node:http';
import { lstat, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { it } from 'node:test';
import { ctl, makeTempDir, RunningTaskmaster, taskmasterBin, waitFor, freePort } from '../helpers.js';


function status(port: number, auth: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Basic ${Buffer.from(auth).toString('base64')}` };
    const outgoing = request({ host: '127.0.0.1', port, path: '/v1/version', headers, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

it('writes the schedule state file without following a link planted at its temporary name', async () => {
  const dir = await makeTempDir();
  const victim = join(dir, 'victim');
  await writeFile(victim, 'precious\n');
  await symlink(victim, join(dir, 'taskmaster-state.json.tmp'));
  const tm = await RunningTaskmaster.start(`
programs:
  tick: { cmd: "true", schedule: "* * * * * *" }
`, dir);
  try {
    const state = await waitFor(async () => {
      const text = await readFile(join(dir, 'taskmaster-state.json'), 'utf8').catch(() => '');
      return text.includes('"tick"') ? text : undefined;
    }, 'the state file to record a tick');
    assert.match(state, /lastTicks/);
    assert.ok((await lstat(join(dir, 'taskmaster-state.json'))).isFile());
    assert.equal(await readFile(victim, 'utf8'), 'precious\n');
  } finally {
    await tm.stop();
  }
});

it('writes --pidfile by replacing a planted link, never through it', async () => {
  const dir = await makeTempDir();
  const victim = join(dir, 'victim');
  const pidFile = join(dir, 'taskmaster.pid');
  await writeFile(victim, 'precious\n');
  await symlink(victim, pidFile);
  const configFile = join(dir, 'taskmaster.yaml');
  await writeFile(configFile, 'programs: {}\n');
  const socket = join(dir, 'tm.sock');
  const child = spawn(process.execPath, [taskmasterBin, '-c', configFile, '--no-shell', '-s', socket, '-l', join(dir, 'tm.log'), '--pidfile', pidFile], { stdio: 'ignore' });
  try {
    await waitFor(async () => (await ctl(socket, 'version')).code === 0, 'taskmaster to listen');
    const written = await waitFor(async () => {
      const text = await readFile(pidFile, 'utf8').catch(() => '');
      return text.trim() === String(child.pid) ? text : undefined;
    }, 'the pidfile to hold the pid');
    assert.equal(written, `${child.pid}\n`);
    assert.ok((await lstat(pidFile)).isFile(), 'the link was replaced by a file');
    assert.equal(await readFile(victim, 'utf8'), 'precious\n');
  } finally {
    child.kill('SIGTERM');
    await waitFor(() => child.exitCode !== null || child.signalCode !== null, 'taskmaster to exit');
  }
});

it('logs the count of a burst of failed logins that is still open at shutdown', async () => {
  const port = await freePort();
  const tm = await RunningTaskmaster.start(`
http: { listen: "127.0.0.1:${port}", username: admin, password: right }
programs: {}
`);
  for (let attempt = 0; attempt < 3; attempt += 1) assert.equal(await status(port, 'admin:wrong'), 401);
  await tm.waitForLog(/authentication failed from 127\.0\.0\.1/);
  try {
    // Well before the burst's quiet time ends: the count must still reach the log.
    tm.child.kill('SIGTERM');
    assert.equal(await tm.waitForExit(), 0);
    assert.match(await tm.log(), /control API: 3 failed authentication attempts from 127\.0\.0\.1/);
  } finally {
    await tm.stop();
  }
});
