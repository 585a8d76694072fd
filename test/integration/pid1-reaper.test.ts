import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, symlink } from 'node:fs/promises';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { leftoverRecordPath } from '../../src/engine/leftover-record.js';
import { readProcStat } from '../../src/engine/proc-table.js';
import { ctl, isAlive, makeTempDir, repoRoot, run, taskmasterBin, waitFor, sweptTempDirs } from '../helpers.js';

const testDir = sweptTempDirs();

/** The children of a process, from every thread's list. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter((word) => word !== '').map(Number);
  } catch {
    return [];
  }
}

function zombiesUnder(pid: number): number {
  return childrenOf(pid).filter((child) => readProcStat(child)?.state === 'Z').length;
}

// Each turn, a shell backgrounds a short sleep and exits: the sleep is orphaned, then dies.
const doubleForker = `sh -c 'while :; do sh -c \\"sleep 0.05 &\\"; sleep 0.1; done'`;

describe('taskmaster as PID 1 of a PID namespace', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`reaps what double-forking programs orphan (zero zombies) and exits 0 on ${signal}`, async () => {
      const dir = await testDir();
      const socket = join(dir, 'tm.sock');
      await writeFile(join(dir, 'taskmaster.yaml'), `programs:\n  forker: { cmd: "${doubleForker}", starttime: 0 }\n  idle: { cmd: "sleep 1000", starttime: 0 }\n`);
      const unshare = spawn('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, taskmasterBin, '-c', join(dir, 'taskmaster.yaml'), '--no-shell', '-s', socket, '-l', join(dir, 'taskmaster.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      unshare.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      const exited = new Promise<number | null>((resolve) => unshare.once('exit', (code) => resolve(code)));
      // The namespace's PID 1 is unshare's only child.
      const init = await waitFor(() => childrenOf(unshare.pid!)[0], 'the namespace init');
      try {
        await waitFor(async () => (await ctl(socket, 'version')).code === 0, 'taskmaster to listen', 30_000);
        assert.doesNotMatch(stderr, /cannot load its reaper addon/, 'the addon did not load: run npm rebuild');
        // Long enough for dozens of orphans; each sample may catch one between its death and our sweep.
        let worst = 0;
        const untilMs = Date.now() + 3_000;
        while (Date.now() < untilMs) {
          worst = Math.max(worst, zombiesUnder(init));
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        assert.ok(worst <= 3, `${worst} zombies at once under PID 1`);
        assert.equal((await ctl(socket, 'stop', 'forker')).code, 0);
        await waitFor(() => zombiesUnder(init) === 0, 'zero zombies under PID 1');
        process.kill(init, signal);
        assert.equal(await exited, 0, `exit code after ${signal}:\n${stderr}`);
        assert.match(await readFile(join(dir, 'taskmaster.log'), 'utf8'), /taskmaster stopped/);
      } finally {
        if (isAlive(init)) process.kill(init, 'SIGKILL');
      }
    });
  }
});

describe('taskmaster --subreaper', () => {
  async function startWithDaemon(dir: string, socketName: string): Promise<{ taskmaster: ChildProcess; exited: Promise<number | null>; daemon: number }> {
    const pidFile = join(dir, 'daemon.pid');
    await writeFile(join(dir, 'taskmaster.yaml'), `programs:\n  launcher: { cmd: "sh -c 'sh -c \\"setsid sleep 1000 & echo \\\\$! > ${pidFile}\\"; exec sleep 1000'", starttime: 0 }\n`);
    const taskmaster = spawn(process.execPath, [taskmasterBin, '-c', join(dir, 'taskmaster.yaml'), '--no-shell', '--subreaper', '-s', join(dir, socketName), '-l', join(dir, 'taskmaster.log')], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => taskmaster.once('exit', (code) => resolve(code)));
    const daemon = Number(await waitFor(async () => (await readFile(pidFile, 'utf8').catch(() => '')).trim(), 'the daemon pid'));
    await waitFor(() => readProcStat(daemon)?.ppid === taskmaster.pid, 'the daemon to be re-parented to taskmaster, not to init');
    return { taskmaster, exited, daemon };
  }

  it('adopts a daemon that double-forked away from a program, and stops it at shutdown', async () => {
    const dir = await testDir();
    const { taskmaster, exited, daemon } = await startWithDaemon(dir, 'tm.sock');
    try {
      await waitFor(async () => /adopted pid \d+/.test(await readFile(join(dir, 'taskmaster.log'), 'utf8')), 'the adoption in the log');
      taskmaster.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.ok(!isAlive(daemon), 'the adopted daemon outlived taskmaster');
    } finally {
      if (taskmaster.exitCode === null) taskmaster.kill('SIGKILL');
      if (isAlive(daemon)) process.kill(daemon, 'SIGKILL');
    }
  });

  it('records an adopted daemon, so the next taskmaster stops it after a kill -9', async () => {
    const dir = await testDir();
    const { taskmaster, exited, daemon } = await startWithDaemon(dir, 'first.sock');
    let launcher: number | undefined;
    let second: ChildProcess | undefined;
    try {
      launcher = readProcStat(daemon) ? (await waitFor(() => childrenOf(taskmaster.pid!).find((pid) => pid !== daemon), 'the launcher')) : undefined;
      const recordPath = leftoverRecordPath(join(dir, 'taskmaster.yaml'))!;
      await waitFor(async () => (await readFile(recordPath, 'utf8').catch(() => '')).includes(`"adopted:${daemon}"`), 'the daemon in the record');
      taskmaster.kill('SIGKILL');
      await exited;
      assert.ok(isAlive(daemon), 'the daemon outlived the crash');
      second = spawn(process.execPath, [taskmasterBin, '-c', join(dir, 'taskmaster.yaml'), '--no-shell', '-s', join(dir, 'second.sock'), '-l', join(dir, 'taskmaster.log')], { stdio: 'ignore' });
      await waitFor(() => !isAlive(daemon), 'the adopted daemon to be stopped by the next taskmaster');
      await waitFor(async () => new RegExp(`stopped leftover adopted:${daemon} `).test(await readFile(join(dir, 'taskmaster.log'), 'utf8')), 'one line for the adopted leftover');
    } finally {
      second?.kill('SIGTERM');
      if (taskmaster.exitCode === null) taskmaster.kill('SIGKILL');
      for (const pid of [daemon, launcher]) if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});

describe('taskmaster without its reaper addon', () => {
  it('warns at start and says what to do, then supervises as before', async () => {
    // A copy of the compiled program without build/: as after a failed node-gyp build.
    const install = await makeTempDir();
    await cp(join(repoRoot, 'dist', 'src'), join(install, 'dist', 'src'), { recursive: true });
    await cp(join(repoRoot, 'package.json'), join(install, 'package.json'));
    await symlink(join(repoRoot, 'node_modules'), join(install, 'node_modules'));
    const dir = await testDir();
    await writeFile(join(dir, 'taskmaster.yaml'), 'programs:\n  quick: { cmd: "true", autorestart: never, starttime: 0 }\n');
    const socket = join(dir, 'tm.sock');
    const result = run(process.execPath, [join(install, 'dist', 'src', 'cli', 'taskmaster.js'), '-c', join(dir, 'taskmaster.yaml'), '--no-shell', '--subreaper', '-s', socket, '-l', join(dir, 'taskmaster.log')]);
    await waitFor(async () => /exited: quick/.test(await readFile(join(dir, 'taskmaster.log'), 'utf8').catch(() => '')), 'the program to run and exit');
    assert.equal((await ctl(socket, 'shutdown')).code, 0);
    const { code, stderr } = await result;
    assert.equal(code, 0);
    assert.match(stderr, /warning: taskmaster was asked to be a subreaper \(--subreaper\) but cannot load its reaper addon .*Rebuild it with `npm rebuild`/);
  });
});
