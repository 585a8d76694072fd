import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { ctl, isAlive, makeTempDir, run, statusOf, taskmasterBin, waitFor } from '../helpers.js';

/** Descriptors the supervisor may hold: a little over what it needs at rest (about 30). */
const descriptorLimit = 64;
/** Each piped child holds three of the supervisor's descriptors: more hogs than fit. */
const hogCount = 30;

it('respawns a process once descriptors free up after the supervisor ran out of them, never FATAL', { timeout: 90_000 }, async () => {
  const dir = await makeTempDir();
  const configFile = join(dir, 'taskmaster.yaml');
  const socketPath = join(dir, 'tm.sock');
  const logFile = join(dir, 'taskmaster.log');
  const release = join(dir, 'release');
  // The hogs hold their pipes until the release file appears; those that could not spawn retry, then exit at once.
  // One retry only: were EMFILE counted as a failed start, victim or a hog would be FATAL within a second.
  await writeFile(
    configFile,
    [
      'programs:',
      '  victim: { cmd: "sleep 1000", starttime: 0, startretries: 1, autorestart: always, crash_loop: false, priority: 1 }',
      `  hog: { cmd: "sh -c 'while [ ! -e ${release} ]; do sleep 0.1; done'", numprocs: ${hogCount}, starttime: 0, startretries: 1, autorestart: never, autostart: false, priority: 2 }`,
      '',
    ].join('\n'),
  );
  // The limit is lowered once the supervisor runs: what is tested is running out while spawning, not Node's
  // start-up, which opens a module graph's files at once and needs more than 64 descriptors by itself.
  const supervisor = spawn(process.execPath, [taskmasterBin, '-c', configFile, '--no-shell', '-s', socketPath, '-l', logFile], { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  let stderr = '';
  supervisor.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const log = (): Promise<string> => readFile(logFile, 'utf8').catch(() => '');
  let starting: Promise<unknown> = Promise.resolve();
  try {
    const supervisorPid = supervisor.pid!;
    await waitFor(async () => (await statusOf(socketPath, 'victim').catch(() => undefined))?.state === 'RUNNING', 'victim RUNNING');
    const lowered = await run('prlimit', [`--pid=${supervisorPid}`, `--nofile=${descriptorLimit}:${descriptorLimit}`]);
    assert.equal(lowered.code, 0, lowered.stderr);
    starting = ctl(socketPath, 'start', 'hog:*').catch(() => undefined);
    await waitFor(async () => /spawnerr: .*EMFILE/.test(await log()), 'a hog spawn failing on EMFILE').catch(async (error: Error) => {
      // Start-up itself is near the limit (Node opens a module graph's files at once): say which way it failed.
      throw new Error(`${error.message}; supervisor ${isAlive(supervisorPid) ? 'alive' : 'dead'}; stderr:\n${stderr}\nlog:\n${(await log()).slice(-2000)}`);
    });
    await waitFor(() => readdirSync(`/proc/${supervisorPid}/fd`).length >= descriptorLimit - 4, 'the supervisor out of descriptors');
    const victim = Number(/spawned: 'victim' with pid (\d+)/.exec(await log())?.[1]);
    assert.ok(victim > 0, 'victim was spawned before the hogs');
    process.kill(victim, 'SIGKILL');
    await waitFor(async () => /exited: victim/.test(await log()), 'the victim exit noticed');
    // Hold the shortage over several retries; nothing may be given up on meanwhile.
    const heldUntil = Date.now() + 3000;
    await waitFor(async () => {
      assert.doesNotMatch(await log(), /gave up: |FATAL/);
      return Date.now() > heldUntil;
    }, 'three seconds of shortage');
    assert.ok(isAlive(supervisorPid), `the supervisor died: ${stderr}`);

    await writeFile(release, '');
    const pidOf = async (): Promise<number | null> => {
      const entry = await statusOf(socketPath, 'victim').catch(() => undefined);
      return entry?.state === 'RUNNING' ? entry.pid : null;
    };
    const replacement = await waitFor(pidOf, 'victim RUNNING again', 30_000);
    assert.notEqual(replacement, victim);
    assert.ok(isAlive(replacement));
    // Every hog ran in the end: the ones that met EMFILE were retried, not given up on.
    await waitFor(async () => ((await log()).match(/exited: hog:hog_\d+ \(exit status 0; expected\)/g) ?? []).length === hogCount, 'every hog run and exited', 30_000);
    const final = await log();
    assert.doesNotMatch(final, /gave up: /);
    assert.match(final, /spawnerr: couldn't spawn \S+: taskmaster ran out of file descriptors \(EMFILE\); retrying in \d+ms, not counted against startretries/);
  } finally {
    await writeFile(release, '').catch(() => {});
    await starting;
    if (supervisor.exitCode === null) supervisor.kill('SIGTERM');
    await waitFor(() => supervisor.exitCode !== null || supervisor.signalCode !== null, 'the supervisor to exit', 20_000);
  }
});
