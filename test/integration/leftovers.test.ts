import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { leftoverRecordPath, type LeftoverRecord } from '../../src/engine/leftover-record.js';
import { readProcStat } from '../../src/engine/proc-table.js';
import { answers, fixtures, isAlive, makeTempDir, statusOf, taskmasterBin, waitFor, type StatusEntry, sweptTempDirs } from '../helpers.js';

const testDir = sweptTempDirs();

/** Every pid a test started or saw, killed at the end should a feature fail. */
const started = new Set<number>();
after(() => {
  for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
});

interface Launched {
  readonly child: ChildProcess;
  readonly socket: string;
  readonly exited: Promise<number | null>;
  stderr: string;
}

/** A taskmaster on `dir/taskmaster.yaml`, listening on its own socket name. */
async function launch(dir: string, socketName: string, extraArgs: readonly string[] = []): Promise<Launched> {
  const socket = join(dir, socketName);
  const child = spawn(process.execPath, [taskmasterBin, '-c', join(dir, 'taskmaster.yaml'), '--no-shell', '-s', socket, '-l', join(dir, 'taskmaster.log'), ...extraArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: dir,
  });
  started.add(child.pid!);
  const launched: Launched = { child, socket, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))), stderr: '' };
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (launched.stderr += text));
  await waitFor(async () => child.exitCode !== null || (await answers(socket)), 'taskmaster to listen', 30_000);
  return launched;
}

async function allRunning(socket: string, count: number): Promise<StatusEntry[]> {
  return waitFor(async () => {
    const status = await statusOf(socket);
    return status.length === count && status.every((entry) => entry.state === 'RUNNING') ? status : undefined;
  }, `${count} processes RUNNING`, 30_000);
}

async function stop(launched: Launched): Promise<number | null> {
  if (launched.child.exitCode === null) launched.child.kill('SIGTERM');
  return launched.exited;
}

function freePortCandidate(): number {
  return 20_000 + Math.floor(Math.random() * 20_000);
}

describe('leftovers of a taskmaster killed with SIGKILL', () => {
  it('are stopped gracefully by the next taskmaster on another socket, which waits for their port before starting replacements', async () => {
    const dir = await testDir();
    const port = freePortCandidate();
    const signalLog = join(dir, 'signals.log');
    await writeFile(join(dir, 'taskmaster.yaml'), `
programs:
  pool: { cmd: "sleep 1000", numprocs: 4, starttime: 0 }
  web:
    cmd: "${fixtures}/port-server.py"
    starttime: 0
    startretries: 0
    stoptime: 5
    env: { PORT_NUMBER: "${port}", SIGNAL_LOG: "${signalLog}" }
  escaper: { cmd: "sh -c 'setsid sleep 1000 & echo $! > ${dir}/escaped.pid; wait'", starttime: 0 }
`);
    const first = await launch(dir, 'first.sock');
    const oldStatus = await allRunning(first.socket, 6);
    const oldPids = oldStatus.map((entry) => entry.pid!);
    const escaped = Number(await waitFor(async () => (await readFile(join(dir, 'escaped.pid'), 'utf8').catch(() => '')).trim(), 'the escaped pid'));
    for (const pid of [...oldPids, escaped]) started.add(pid);
    assert.notEqual(readProcStat(escaped)?.pgid, oldStatus.find((entry) => entry.name === 'escaper')?.pid, 'the descendant left its group');
    await waitFor(async () => (await readFile(signalLog, 'utf8').catch(() => '')).includes('listening'), 'the server to listen');

    first.child.kill('SIGKILL');
    await first.exited;
    for (const pid of [...oldPids, escaped]) assert.ok(isAlive(pid), `pid ${pid} outlived the crash`);

    const second = await launch(dir, 'second.sock');
    try {
      const newStatus = await allRunning(second.socket, 6);
      for (const pid of [...oldPids, escaped]) assert.ok(!isAlive(pid), `leftover pid ${pid} still runs after the new taskmaster is up`);
      const signals = await readFile(signalLog, 'utf8');
      const oldWeb = oldStatus.find((entry) => entry.name === 'web')!.pid;
      assert.match(signals, new RegExp(`^TERM ${oldWeb}$`, 'm'), 'the old server got its stopsignal');
      assert.doesNotMatch(signals, /bind failed/, 'the replacement found its port taken');
      const newWeb = newStatus.find((entry) => entry.name === 'web')!;
      assert.notEqual(newWeb.pid, oldWeb);
      await waitFor(async () => (await readFile(signalLog, 'utf8')).includes(`listening ${newWeb.pid}`), 'the replacement to listen');
      const response = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(response.status, 200, 'the replacement serves on the same port');
      await response.arrayBuffer();
      const log = await readFile(join(dir, 'taskmaster.log'), 'utf8');
      assert.equal(log.match(/(stopped|killed) leftover /g)?.length, 6, `one line per leftover:\n${log}`);
      assert.match(log, /stopped leftover escaper \(pid \d+ and 1 more\)/);
    } finally {
      assert.equal(await stop(second), 0);
    }
  });

  it('finds a program started with env -i, and never touches a reused pid, a shell exporting TASKMASTER_SOCKET, or its own ancestors', async () => {
    const dir = await testDir();
    await writeFile(join(dir, 'taskmaster.yaml'), `
programs:
  bare: { cmd: "env -i /bin/sleep 1000", starttime: 0 }
`);
    const first = await launch(dir, 'first.sock');
    const [bare] = await allRunning(first.socket, 1);
    started.add(bare!.pid!);
    const recordPath = leftoverRecordPath(join(dir, 'taskmaster.yaml'))!;
    // The record is written within an event-loop turn of the spawn, off the restart path: wait for it.
    await waitFor(async () => (await readFile(recordPath, 'utf8').catch(() => '')).includes(`"pid":${bare!.pid}`), 'the record to hold the leftover');
    first.child.kill('SIGKILL');
    await first.exited;

    const secondSocket = join(dir, 'second.sock');
    // Not ours, though it names the next taskmaster's socket, as the old detection looked for.
    const shell = spawn('sh', ['-c', 'sleep 1000'], { env: { ...process.env, TASKMASTER_SOCKET: secondSocket }, stdio: 'ignore' });
    started.add(shell.pid!);
    // A live process whose pid the record holds with another start time: a reused pid.
    const stranger = spawn('sleep', ['1000'], { stdio: 'ignore' });
    started.add(stranger.pid!);
    const record = JSON.parse(await readFile(recordPath, 'utf8')) as LeftoverRecord;
    const template = record.processes[0]!;
    const ownStart = readProcStat(process.pid)!.startTime;
    await writeFile(recordPath, JSON.stringify({
      ...record,
      processes: [
        ...record.processes,
        { ...template, name: 'reused', pid: stranger.pid!, startTime: String(Number(readProcStat(stranger.pid!)!.startTime) + 1), pgid: stranger.pid! },
        // This test's own process, an ancestor of the next taskmaster, with its true start time.
        { ...template, name: 'ancestor', pid: process.pid, startTime: ownStart, pgid: readProcStat(process.pid)!.pgid, stopSignal: 'SIGKILL' },
      ],
    }));

    const second = await launch(dir, 'second.sock');
    try {
      await waitFor(() => !isAlive(bare!.pid!), 'the env -i leftover to be stopped');
      // The line follows the exit it reports: wait for it too.
      const log = await waitFor(async () => {
        const text = await readFile(join(dir, 'taskmaster.log'), 'utf8');
        return /stopped leftover bare /.test(text) ? text : undefined;
      }, 'the leftover line in the log');
      assert.match(log, /stopped leftover bare /);
      assert.match(log, new RegExp(`not touching reused of the previous taskmaster: pid ${stranger.pid} now belongs to another process`));
      assert.match(log, /not touching ancestor of the previous taskmaster: .* is this taskmaster or one of its ancestors/);
      assert.ok(isAlive(stranger.pid!), 'the reused pid was signalled');
      assert.ok(isAlive(shell.pid!), 'the shell carrying TASKMASTER_SOCKET was signalled');
    } finally {
      assert.equal(await stop(second), 0);
      shell.kill('SIGKILL');
      stranger.kill('SIGKILL');
    }
  });

  it('refuses to start while the taskmaster of the record still runs that config', async () => {
    const dir = await testDir();
    await writeFile(join(dir, 'taskmaster.yaml'), 'programs:\n  one: { cmd: "sleep 1000", starttime: 0 }\n');
    const first = await launch(dir, 'first.sock');
    try {
      const [one] = await allRunning(first.socket, 1);
      started.add(one!.pid!);
      const second = await launch(dir, 'second.sock');
      assert.equal(await second.exited, 1);
      assert.match(second.stderr, new RegExp(`another taskmaster \\(pid ${first.child.pid}\\) is running`));
      assert.ok(isAlive(one!.pid!), 'the running taskmaster lost its process');
    } finally {
      assert.equal(await stop(first), 0);
    }
  });
});
