import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { answers, ctl, isAlive, makeTempDir, RunningTaskmaster, tailOf, taskmasterBin, waitFor } from '../helpers.js';

const config = `# services of the test: this comment must survive
programs:
  # the one that was there first
  sleeper:
    cmd: "sleep 1000"     # spaced as its author likes
    starttime: 0.2
`;

/** Stops a taskmaster without removing its folder, so the next one starts on the same files. */
async function stopKeepingFiles(tm: RunningTaskmaster, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  tm.child.kill(signal);
  await tm.waitForExit();
}

/** A taskmaster started again on the folder (and config file) of one that stopped. */
async function restartOn(t: TestContext, tm: RunningTaskmaster): Promise<RunningTaskmaster> {
  const again = await RunningTaskmaster.start(await readFile(tm.configFile, 'utf8'), tm.dir);
  t.after(() => again.stop());
  return again;
}

describe('programs added and removed at run time', () => {
  it('add writes the program to the YAML file (comments and layout kept), starts it, and a restart keeps it; remove takes it out', async (t) => {
    const tm = await RunningTaskmaster.start(config);
    t.after(() => tm.stop());
    await tm.waitForState('sleeper', 'RUNNING');
    const added = await ctl(tm.socket, 'add', 'web', '--numprocs', '2', '--env', 'GREETING=hello there', '--', 'sh', '-c', 'echo "$GREETING from $TASKMASTER_PROCESS_NAME"; exec sleep 1000');
    assert.equal(added.code, 0, added.stdout + added.stderr);
    assert.match(added.stdout, /^web: added to .*taskmaster\.yaml$/m);
    assert.match(added.stdout, /^web:web_00: started$/m);
    const written = await readFile(tm.configFile, 'utf8');
    assert.ok(written.startsWith(config), `the old text is untouched:\n${written}`);
    assert.match(written, /  web:\n    cmd:\n      - sh\n      - -c\n/);
    await waitFor(async () => (await tailOf(tm.socket, 'web:web_01')).includes('hello there from web_01'), 'the added program to run with its env');

    await stopKeepingFiles(tm);
    const again = await restartOn(t, tm);
    await again.waitForState('web:web_00', 'RUNNING');
    await again.waitForState('web:web_01', 'RUNNING');

    const removed = await ctl(again.socket, 'remove', 'web');
    assert.equal(removed.code, 0, removed.stdout + removed.stderr);
    assert.match(removed.stdout, /^web:web_01: removed$/m);
    assert.equal(await readFile(again.configFile, 'utf8'), config);
    assert.deepEqual((await again.status()).map((process) => process.name), ['sleeper']);
  });

  it('a bad add changes nothing and names file:line:col; an unknown remove exits 1; concurrent adds all land', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, config);
    const bad = await ctl(tm.socket, 'add', 'bad', '--autorestart', 'sometimes', '--', 'true');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /taskmaster\.yaml:\d+:\d+: programs\.bad\.autorestart: expected always, never, unexpected/);
    assert.equal(await readFile(tm.configFile, 'utf8'), config);
    const exists = await ctl(tm.socket, 'add', 'sleeper', '--', 'true');
    assert.equal(exists.code, 1);
    assert.match(exists.stderr, /sleeper is already a program/);
    const missing = await ctl(tm.socket, 'remove', 'nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no such program: nope/);

    const names = ['c1', 'c2', 'c3', 'c4'];
    const results = await Promise.all(names.map((name) => ctl(tm.socket, 'add', name, '--', 'sleep', '1000')));
    for (const result of results) assert.equal(result.code, 0, result.stdout + result.stderr);
    const text = await readFile(tm.configFile, 'utf8');
    for (const name of names) assert.match(text, new RegExp(`^  ${name}:$`, 'm'));
    for (const name of names) await tm.waitForState(name, 'RUNNING');
  });

  it('add of a command that cannot start exits 7; an INI config is refused with what to do', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, config);
    const spawnError = await ctl(tm.socket, 'add', 'ghost', '--', '/nonexistent/ghost');
    assert.equal(spawnError.code, 7, spawnError.stdout + spawnError.stderr);
    assert.match(spawnError.stdout, /ghost: ERROR \(spawn error: /);

    // A file named as INI (h12ini reads those as supervisord does): never rewritten, and the error says what to do.
    const dir = await makeTempDir();
    const ini = join(dir, 'services.conf');
    const socket = join(dir, 'ini.sock');
    const iniText = `[supervisord]\nlogfile=${join(dir, 'taskmaster.log')}\nchildlogdir=${dir}\n\n[unix_http_server]\nfile=${socket}\n\n[program:web]\ncommand=sleep 1000\n`;
    await writeFile(ini, iniText);
    const child = spawn(process.execPath, [taskmasterBin, '-c', ini, '-n'], { stdio: 'ignore' });
    t.after(async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)));
    });
    await waitFor(() => answers(socket), 'the supervisor on the .conf file');
    const refused = await ctl(socket, 'add', 'x', '--', 'sleep', '1');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /services\.conf is an INI config, which taskmaster does not rewrite: add or remove the \[program:NAME\] section by hand, then run taskmasterctl update/);
    assert.equal(await readFile(ini, 'utf8'), iniText);
  });

  it('what was stopped by hand stays stopped after a restart of Taskmaster, until started by hand', async (t) => {
    const tm = await RunningTaskmaster.start(`programs:\n  a: { cmd: "sleep 1000", starttime: 0.2 }\n  b: { cmd: "sleep 1000", starttime: 0.2 }\n`);
    t.after(() => tm.stop());
    await tm.waitForState('a', 'RUNNING');
    await tm.waitForState('b', 'RUNNING');
    assert.equal((await ctl(tm.socket, 'stop', 'b')).code, 0);
    // A crash right after the stop: the state file is written with the stop.
    await stopKeepingFiles(tm, 'SIGKILL');
    const again = await restartOn(t, tm);
    await again.waitForState('a', 'RUNNING');
    await again.waitForLog(/b stays stopped: it was stopped by hand/);
    assert.equal((await again.process('b')).state, 'STOPPED');
    assert.equal((await ctl(again.socket, 'start', 'b')).code, 0);
    await stopKeepingFiles(again);
    const third = await restartOn(t, again);
    await third.waitForState('b', 'RUNNING');
  });

  it('pidfile: written at spawn, removed at exit, a stale one reclaimed after a crash', async (t) => {
    const tm = await RunningTaskmaster.start(`programs:\n  p:\n    cmd: ["sh", "-c", "exec sleep 1000"]\n    numprocs: 2\n    starttime: 0.2\n    pidfile: run/p_{process_num}.pid\n`);
    t.after(() => tm.stop());
    const first = await tm.waitForState('p:p_01', 'RUNNING');
    const pidFile = join(tm.dir, 'run', 'p_01.pid');
    await waitFor(() => existsSync(pidFile), 'the pid file');
    assert.equal(await readFile(pidFile, 'utf8'), `${first.pid}\n`);
    assert.equal((await stat(pidFile)).mode & 0o777, 0o644);
    assert.equal((await ctl(tm.socket, 'stop', 'p:p_01')).code, 0);
    assert.equal(existsSync(pidFile), false, 'removed at exit');

    const other = await tm.waitForState('p:p_00', 'RUNNING');
    await stopKeepingFiles(tm, 'SIGKILL');
    // The crashed taskmaster left p_00's file behind; a stale file for p_01 is planted too.
    await writeFile(pidFile, '999999\n');
    const again = await restartOn(t, tm);
    await again.waitForLog(/removed stale pid file .*p_01\.pid/);
    const running = await again.waitForState('p:p_00', 'RUNNING');
    assert.equal(isAlive(other.pid!), false, 'the leftover of the crash was stopped');
    assert.equal(await readFile(join(tm.dir, 'run', 'p_00.pid'), 'utf8'), `${running.pid}\n`);
    assert.equal(existsSync(pidFile), false, 'p_01 stays stopped by hand, and its stale file is gone');
  });

  it('cmd as an argv list runs word for word, and a bad element names its line and column', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, `programs:\n  argv:\n    cmd: ["sh", "-c", "echo \\"[$1]\\"; exec sleep 1000", "sh", "two words  'quoted'"]\n    starttime: 0.2\n`);
    await tm.waitForState('argv', 'RUNNING');
    await waitFor(async () => (await tailOf(tm.socket, 'argv')).includes("[two words  'quoted']"), 'the argv word to arrive whole');
    const avail = await ctl(tm.socket, 'avail');
    assert.match(avail.stdout, /sh -c 'echo/);
    await tm.rewriteConfig(`programs:\n  argv:\n    cmd: ["sh", {not: a word}]\n`);
    const reload = await ctl(tm.socket, 'reload');
    assert.equal(reload.code, 1);
    assert.match(reload.stderr, /taskmaster\.yaml:3:17: programs\.argv\.cmd\[1\]: expected a word \(a string\), got a mapping/);
  });
});
