import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ctl, fixtures, RunningTaskmaster, waitFor } from '../helpers.js';

const readText = (path: string) => readFile(path, 'utf8').catch(() => '');

describe('each config key has its effect on a real child', () => {
  it('applies umask, workingdir, env and process names to the child only', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  report:
    cmd: "${fixtures}/report.sh"
    umask: 027
    workingdir: /usr
    stdout: report.out
    env:
      STARTED_BY: taskmaster
      ANSWER: 42
  pair:
    cmd: "${fixtures}/report.sh"
    numprocs: 2
    umask: 077
    stdout: pair.out
`);
    try {
      const out = await waitFor(async () => {
        const text = await readText(join(tm.dir, 'report.out'));
        return text.includes('user ') ? text : undefined;
      }, 'report output');
      assert.match(out, /^umask 0027$/m);
      assert.match(out, /^cwd \/usr$/m);
      assert.match(out, /^env STARTED_BY=taskmaster ANSWER=42 NAME=report GROUP=report$/m);
      const pair = await waitFor(async () => {
        const text = await readText(join(tm.dir, 'pair.out'));
        return (text.match(/^user /gm) ?? []).length === 2 ? text : undefined;
      }, 'both pair processes to report');
      assert.equal((pair.match(/^umask 0077$/gm) ?? []).length, 2);
      assert.match(pair, /NAME=pair_00 GROUP=pair$/m);
      assert.match(pair, /NAME=pair_01 GROUP=pair$/m);
      assert.doesNotMatch(pair, /STARTED_BY=taskmaster/);
    } finally {
      await tm.stop();
    }
  });

  it('sends stopsignal and logs how the process ended', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  sig:
    cmd: "${fixtures}/signal-logger.sh"
    stopsignal: USR1
    starttime: 0.2
    env: { SIGNAL_LOG: signals.txt }
    workingdir: .
`);
    try {
      await tm.waitForState('sig', 'RUNNING');
      const stopped = await ctl(tm.socket, 'stop', 'sig');
      assert.equal(stopped.code, 0);
      assert.equal((await readText(join(tm.dir, 'signals.txt'))).trim(), 'USR1');
      assert.match(await tm.log(), /INFO stopped: sig \(exit status 0\)/);
      assert.equal((await tm.process('sig')).state, 'STOPPED');
    } finally {
      await tm.stop();
    }
  });

  it('kills with SIGKILL after stoptime when the stop signal is ignored', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  stubborn:
    cmd: "${fixtures}/ignore-term.sh"
    starttime: 0
    stoptime: 500ms
`);
    try {
      const { pid } = await tm.waitForState('stubborn', 'RUNNING');
      await ctl(tm.socket, 'stop', 'stubborn');
      const log = await tm.log();
      assert.match(log, new RegExp(`WARN killing 'stubborn' \\(${pid}\\) with SIGKILL`));
      assert.match(log, /INFO stopped: stubborn \(terminated by SIGKILL\)/);
    } finally {
      await tm.stop();
    }
  });

  it('retries startretries times with growing delays, then FATAL', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  failing:
    cmd: "sh -c 'exit 3'"
    startretries: 2
    starttime: 1
`);
    try {
      const fatal = await tm.waitForState('failing', 'FATAL');
      assert.equal(fatal.spawnError, 'Exited too quickly');
      const log = await tm.log();
      assert.equal((log.match(/spawned: 'failing'/g) ?? []).length, 3);
      assert.match(log, /backoff: failing will retry in 1s/);
      assert.match(log, /backoff: failing will retry in 2s/);
      assert.match(log, /gave up: failing entered FATAL state, too many start retries too quickly/);
    } finally {
      await tm.stop();
    }
  });

  it('counts spawn errors as failed starts and shows the reason', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  missing: { cmd: "/no/such/program", startretries: 0 }
  badcwd: { cmd: "sleep 5", workingdir: /no/such/folder, startretries: 0 }
  notexec: { cmd: "${fixtures}/../helpers.ts", startretries: 0 }
`);
    try {
      assert.equal((await tm.waitForState('missing', 'FATAL')).spawnError, "can't find command '/no/such/program'");
      assert.equal((await tm.waitForState('badcwd', 'FATAL')).spawnError, "couldn't chdir to /no/such/folder: ENOENT");
      assert.match((await tm.waitForState('notexec', 'FATAL')).spawnError ?? '', /is not executable/);
      assert.match(await tm.log(), /spawnerr: can't find command '\/no\/such\/program'/);
    } finally {
      await tm.stop();
    }
  });

  it('stays STARTING until starttime has passed, then RUNNING', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  slow: { cmd: "sleep 100", starttime: 1500ms }
`);
    try {
      const starting = await tm.waitForState('slow', 'STARTING');
      assert.ok(starting.pid);
      const running = await tm.waitForState('slow', 'RUNNING');
      assert.equal(running.pid, starting.pid);
      assert.match(await tm.log(), /success: slow entered RUNNING state, process has stayed up for > than 1.5 seconds/);
    } finally {
      await tm.stop();
    }
  });

  it('restarts per autorestart and exitcodes', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  expected: { cmd: "${fixtures}/exit-with.sh 0.4 2", exitcodes: [0, 2], starttime: 0.1 }
  unexpected: { cmd: "${fixtures}/exit-with.sh 0.4 1", exitcodes: [0, 2], starttime: 0.1 }
  always: { cmd: "${fixtures}/exit-with.sh 0.4 0", autorestart: always, starttime: 0.1 }
  never: { cmd: "${fixtures}/exit-with.sh 0.4 1", autorestart: never, starttime: 0.1 }
`);
    try {
      const count = (log: string, name: string) => (log.match(new RegExp(`spawned: '${name}'`, 'g')) ?? []).length;
      await tm.waitForLog(/spawned: 'unexpected'[^]*spawned: 'unexpected'[^]*spawned: 'unexpected'/);
      await tm.waitForLog(/spawned: 'always'[^]*spawned: 'always'[^]*spawned: 'always'/);
      const expected = await tm.waitForState('expected', 'EXITED');
      assert.equal(expected.exitCode, 2);
      const never = await tm.waitForState('never', 'EXITED');
      assert.equal(never.exitCode, 1);
      const log = await tm.log();
      assert.equal(count(log, 'expected'), 1);
      assert.equal(count(log, 'never'), 1);
      assert.match(log, /exited: expected \(exit status 2; expected\)/);
      assert.match(log, /exited: unexpected \(exit status 1; not expected\)/);
      assert.match(log, /exited: never \(exit status 1; not expected\)/);
    } finally {
      await tm.stop();
    }
  });

  it('writes stdout and stderr to files, merges them with redirect_stderr, discards on request', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  split: { cmd: "sh -c 'echo out; echo err >&2; exec sleep 100'", stdout: split.out, stderr: split.err }
  merged: { cmd: "sh -c 'echo out; echo err >&2; exec sleep 100'", stdout_logfile: merged.out, redirect_stderr: true }
  quiet: { cmd: "sh -c 'echo out; exec sleep 100'", stdout: discard }
  auto: { cmd: "sh -c 'echo automatic; exec sleep 100'" }
`);
    try {
      await waitFor(async () => (await readText(join(tm.dir, 'split.err'))) === 'err\n', 'split stderr');
      assert.equal(await readText(join(tm.dir, 'split.out')), 'out\n');
      await waitFor(async () => (await readText(join(tm.dir, 'merged.out'))).length === 8, 'merged output');
      assert.deepEqual((await readText(join(tm.dir, 'merged.out'))).split('\n').sort(), ['', 'err', 'out']);
      await waitFor(async () => (await readText(join(tm.dir, 'logs', 'auto.stdout.log'))) === 'automatic\n', 'auto output file');
      // quiet wrote its line at once; by RUNNING (starttime passed) any file for it would exist.
      await tm.waitForState('quiet', 'RUNNING');
      const files = (await readdir(tm.dir, { recursive: true })).map(String);
      assert.deepEqual(files.filter((file) => file.includes('quiet')), [join('logs', 'quiet.stderr.log')], 'only the stderr of quiet has a file');
      assert.equal(await readText(join(tm.dir, 'logs', 'quiet.stderr.log')), '');
      assert.equal((await ctl(tm.socket, 'tail', 'quiet')).stdout, '', 'nothing kept of a discarded stream');
    } finally {
      await tm.stop();
    }
  });

  it('runs a program as another user when started as root', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  nobody: { cmd: "${fixtures}/report.sh", user: nobody, stdout: /tmp/tm-user-test-${process.pid}.out }
`);
    const out = `/tmp/tm-user-test-${process.pid}.out`;
    try {
      const text = await waitFor(async () => {
        const content = await readText(out);
        return content.includes('user ') ? content : undefined;
      }, 'report as nobody');
      assert.match(text, /^user nobody$/m);
    } finally {
      await tm.stop();
      await rm(out, { force: true });
    }
  });
});
