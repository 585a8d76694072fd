import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { answers, isAlive, makeTempDir, run, statusOf, taskmasterBin, waitFor } from '../helpers.js';

const stamp = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}';

/** A supervisord config in a fresh folder: numprocs, a program that fails, and one from an include. */
async function writeConfig(extra = ''): Promise<{ dir: string; file: string; socket: string; log: string; pidFile: string }> {
  const dir = await makeTempDir('tm-ini-run-');
  await mkdir(join(dir, 'conf.d'));
  await mkdir(join(dir, 'logs'));
  await writeFile(join(dir, 'conf.d', 'extra.conf'), '[program:included]\ncommand=/bin/sleep 300\nstartsecs=0\n');
  await writeFile(join(dir, 'supervisord.conf'), `; written like supervisor/skel/sample.conf
[unix_http_server]
file=%(here)s/supervisor.sock   ; the socket
chmod=0700

[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s/logs
${extra}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:web]
command=/bin/sleep 300
process_name=%(program_name)s_%(process_num)02d
numprocs=2
startsecs=1

[program:bad]
command=/bin/sh -c "exit 1"
startsecs=1
startretries=1
autorestart=unexpected

[include]
files = conf.d/*.conf
`);
  return { dir, file: join(dir, 'supervisord.conf'), socket: join(dir, 'supervisor.sock'), log: join(dir, 'supervisord.log'), pidFile: join(dir, 'supervisord.pid') };
}

function startForeground(t: TestContext, args: readonly string[], cwd: string) {
  const child = spawn(process.execPath, [taskmasterBin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  });
  return { child, exited, stderr: () => stderr };
}

const logOf = (path: string): Promise<string> => readFile(path, 'utf8').catch(() => '');
const waitForLog = (path: string, pattern: RegExp): Promise<string> =>
  waitFor(async () => {
    const text = await logOf(path);
    return pattern.test(text) ? text : undefined;
  }, `log line ${pattern}`, 30_000);

describe('taskmaster on a supervisord INI config', () => {
  it('runs numprocs, includes and a failing program, logging in supervisord\'s words', async (t) => {
    const { dir, file, socket, log, pidFile } = await writeConfig();
    const taskmaster = startForeground(t, ['-c', file, '-n'], dir);
    await waitFor(() => answers(socket), 'the socket to answer', 30_000);
    await waitForLog(log, /success: web_01 entered RUNNING state/);
    await waitForLog(log, /gave up: bad entered FATAL state/);
    const names = (await statusOf(socket)).map((entry) => `${entry.name} ${entry.state}`).sort();
    assert.deepEqual(names, ['bad FATAL', 'included RUNNING', 'web:web_00 RUNNING', 'web:web_01 RUNNING']);
    assert.equal((await readFile(pidFile, 'utf8')).trim(), String(taskmaster.child.pid));
    const web = (await statusOf(socket)).find((entry) => entry.name === 'web:web_00')!;
    taskmaster.child.kill('SIGTERM');
    assert.equal(await taskmaster.exited, 0);
    const text = await logOf(log);
    for (const line of [
      `^${stamp} INFO supervisord started with pid ${taskmaster.child.pid}$`,
      `^${stamp} INFO spawned: 'web_00' with pid ${web.pid}$`,
      `^${stamp} INFO success: web_00 entered RUNNING state, process has stayed up for > than 1 seconds \\(startsecs\\)$`,
      `^${stamp} INFO success: included entered RUNNING state, process has stayed up for > than 0 seconds \\(startsecs\\)$`,
      `^${stamp} WARN exited: bad \\(exit status 1; not expected\\)$`,
      `^${stamp} INFO gave up: bad entered FATAL state, too many start retries too quickly$`,
      `^${stamp} INFO waiting for web_00 to stop$`,
      `^${stamp} WARN stopped: web_00 \\(terminated by SIGTERM\\)$`,
    ]) assert.match(text, new RegExp(line, 'm'));
    assert.doesNotMatch(text, /web:web_00|backoff:/);
    assert.ok(!(await logOf(pidFile)), 'the pidfile is removed at exit');
    assert.match(taskmaster.stderr(), /supervisord started with pid/);
  });

  it('takes supervisord\'s flags: -l, -j, -e, -i and -s', async (t) => {
    const { dir, file, socket } = await writeConfig();
    await writeFile(file, (await readFile(file, 'utf8')).replace('chmod=0700', 'chmod=0760\nchown=nobody:nogroup'));
    const log = join(dir, 'other.log');
    const pidFile = join(dir, 'other.pid');
    const taskmaster = startForeground(t, ['-c', file, '--nodaemon', '-l', log, '-j', pidFile, '-e', 'warn', '-i', 'box', '-s'], dir);
    await waitFor(() => answers(socket), 'the socket to answer', 30_000);
    await waitFor(async () => (await readFile(pidFile, 'utf8').catch(() => '')).trim() === String(taskmaster.child.pid), 'the pidfile from -j');
    await waitForLog(log, /WARN exited: bad/);
    if (process.getuid?.() === 0) assert.equal((await run('stat', ['-c', '%a %U:%G', socket])).stdout.trim(), '760 nobody:nogroup');
    taskmaster.child.kill('SIGTERM');
    assert.equal(await taskmaster.exited, 0);
    const text = await logOf(log);
    assert.doesNotMatch(text, /INFO/, '-e warn leaves out INFO lines');
    assert.equal(taskmaster.stderr().includes('WARN exited'), false, '-s keeps the log off the terminal');
  });

  it('detaches without -n, into the -d folder, and stops on SIGTERM to the pid in its pidfile', async (t) => {
    const { dir, file, socket, pidFile } = await writeConfig();
    const workDir = join(dir, 'work');
    await mkdir(workDir);
    let daemonPid = 0;
    t.after(async () => {
      if (daemonPid && isAlive(daemonPid)) process.kill(daemonPid, 'SIGKILL');
    });
    const started = await run(process.execPath, [taskmasterBin, '-c', file, '-d', workDir], { timeoutMs: 60_000 });
    assert.equal(started.code, 0, started.stderr);
    daemonPid = Number((await readFile(pidFile, 'utf8')).trim());
    assert.ok(await answers(socket));
    assert.equal(await readlink(`/proc/${daemonPid}/cwd`), workDir);
    process.kill(daemonPid, 'SIGTERM');
    await waitFor(() => !isAlive(daemonPid), 'the daemon to exit', 30_000);
  });

  it('drops to -u USER before it opens its socket and files, and its programs run as that user', async (t) => {
    if (process.getuid?.() !== 0) return t.skip('needs root to switch user');
    const user = `tmt-ini-${randomBytes(3).toString('hex')}`;
    const added = await run('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', user]);
    assert.equal(added.code, 0, added.stderr);
    t.after(() => run('userdel', [user]));
    const { dir, file, socket, log, pidFile } = await writeConfig();
    const uid = Number((await run('id', ['-u', user])).stdout.trim());
    // Its leftover record folder, made as that user, goes with the user.
    t.after(() => rm(join(tmpdir(), `taskmaster-${uid}`), { recursive: true, force: true }));
    for (const path of [dir, join(dir, 'logs'), join(dir, 'conf.d')]) await chown(path, uid, uid);
    const taskmaster = startForeground(t, ['-c', file, '-n', '-u', user], dir);
    await waitFor(() => answers(socket), 'the socket to answer', 30_000);
    await waitForLog(log, /success: included entered RUNNING state/);
    const uidOf = async (pid: number): Promise<number> => Number(/^Uid:\s+(\d+)/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))![1]);
    assert.equal(await uidOf(taskmaster.child.pid!), uid);
    const included = (await statusOf(socket)).find((entry) => entry.name === 'included')!;
    assert.equal(await uidOf(included.pid!), uid);
    assert.equal((await run('stat', ['-c', '%u', socket, log, pidFile])).stdout.trim().split('\n').map(Number).every((owner) => owner === uid), true);
    taskmaster.child.kill('SIGTERM');
    assert.equal(await taskmaster.exited, 0);
  });

  it('reloads on SIGHUP: a new included file adds its program, a broken one changes nothing', async (t) => {
    const { dir, file, socket, log } = await writeConfig();
    const taskmaster = startForeground(t, ['-c', file, '-n'], dir);
    await waitFor(() => answers(socket), 'the socket to answer', 30_000);
    await waitForLog(log, /success: included entered RUNNING state/);
    await writeFile(join(dir, 'conf.d', 'more.conf'), '[program:more]\ncommand=/bin/sleep 300\nstartsecs=0\n');
    taskmaster.child.kill('SIGHUP');
    await waitForLog(log, /success: more entered RUNNING state/);
    await writeFile(join(dir, 'conf.d', 'more.conf'), '[program:more]\ncommand=/bin/sleep 300\nthis line has no delimiter\n');
    taskmaster.child.kill('SIGHUP');
    const text = await waitForLog(log, /reload rejected, nothing changed: .*more\.conf:3:1: expected key = value/);
    assert.doesNotMatch(text, /stopped: more/);
    assert.equal((await statusOf(socket)).find((entry) => entry.name === 'more')?.state, 'RUNNING');
  });

  it('convert prints YAML that taskmaster --check accepts', async () => {
    const { dir, file } = await writeConfig();
    const converted = await run(process.execPath, [taskmasterBin, 'convert', file]);
    assert.equal(converted.code, 0, converted.stderr);
    assert.match(converted.stdout, /^ {2}web:\n {4}cmd: \/bin\/sleep 300\n {4}numprocs: 2$/m);
    await writeFile(join(dir, 'converted.yaml'), converted.stdout);
    const checked = await run(process.execPath, [taskmasterBin, '-c', join(dir, 'converted.yaml'), '--check']);
    assert.equal(checked.code, 0, checked.stderr);
    assert.match(checked.stdout, /OK, 3 programs/);
    const bad = await run(process.execPath, [taskmasterBin, 'convert', join(dir, 'conf.d', 'extra.conf')]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /extra\.conf:1:1: \.ini file does not include supervisord section/);
  });
});
