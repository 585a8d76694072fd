import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ctl, RunningTaskmaster, taskmasterctlBin, waitFor } from '../helpers.js';

const readText = (path: string) => readFile(path, 'utf8').catch(() => '');

/** The file and its rotated backups, oldest first, joined: what the child wrote, in order. */
async function readRotated(path: string): Promise<Buffer> {
  const folder = join(path, '..');
  const base = path.slice(folder.length + 1);
  const backups = (await readdir(folder))
    .filter((name) => name.startsWith(`${base}.`))
    .map((name) => Number(name.slice(base.length + 1)))
    .sort((a, b) => b - a);
  const parts = await Promise.all([...backups.map((index) => readFile(`${path}.${index}`)), readFile(path)]);
  return Buffer.concat(parts);
}

function seqOutput(count: number): string {
  let text = '';
  for (let index = 1; index <= count; index += 1) text += `${index}\n`;
  return text;
}

describe('process output', () => {
  it('rotates while the child writes, losing and doubling nothing', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  counter:
    cmd: "seq 1 300000"
    autorestart: never
    starttime: 0
    stdout: counter.out
    stdout_maxbytes: 100KB
    stdout_backups: 50
`);
    try {
      await tm.waitForState('counter', 'EXITED');
      const path = join(tm.dir, 'counter.out');
      await waitFor(async () => (await readRotated(path)).length === Buffer.byteLength(seqOutput(300_000)), 'all bytes written');
      assert.equal((await readRotated(path)).toString(), seqOutput(300_000));
      assert.ok((await stat(`${path}.1`)).size >= 100 * 1024);
      assert.ok((await readdir(tm.dir)).filter((name) => name.startsWith('counter.out.')).length >= 10);
    } finally {
      await tm.stop();
    }
  });

  it('keeps at most stdout_backups old files', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  counter: { cmd: "seq 1 200000", autorestart: never, starttime: 0, stdout: c.out, stdout_maxbytes: 64KB, stdout_backups: 3 }
`);
    try {
      await tm.waitForState('counter', 'EXITED');
      await waitFor(async () => (await readText(join(tm.dir, 'c.out'))).endsWith('200000\n'), 'last line');
      const files = (await readdir(tm.dir)).filter((name) => name.startsWith('c.out')).sort();
      assert.deepEqual(files, ['c.out', 'c.out.1', 'c.out.2', 'c.out.3']);
    } finally {
      await tm.stop();
    }
  });

  it('never tears lines when many processes write one file', async () => {
    // head writes in blocks that end mid-line, so unassembled output would interleave.
    const tm = await RunningTaskmaster.start(`
programs:
  writers:
    cmd: "sh -c 'yes \\"$TASKMASTER_PROCESS_NAME-abcdefghijklmnopqrstuvwxyz-0123456789\\" | head -n 50000'"
    numprocs: 4
    autorestart: never
    starttime: 0
    stdout: shared.out
`);
    try {
      const path = join(tm.dir, 'shared.out');
      const text = await waitFor(async () => {
        const content = await readText(path);
        return content.split('\n').length === 200_001 ? content : undefined;
      }, '200000 lines', 30_000);
      const lines = text.slice(0, -1).split('\n');
      const bad = lines.filter((line) => !/^writers_0[0-3]-abcdefghijklmnopqrstuvwxyz-0123456789$/.test(line));
      assert.deepEqual(bad.slice(0, 3), []);
      for (const index of [0, 1, 2, 3]) assert.equal(lines.filter((line) => line.startsWith(`writers_0${index}-`)).length, 50_000);
    } finally {
      await tm.stop();
    }
  });

  it('passes binary, invalid UTF-8 and a line without newline through byte for byte', async () => {
    const tm = await RunningTaskmaster.start('programs: {}\n');
    try {
      const input = join(tm.dir, 'random.bin');
      const bytes = Buffer.concat([randomBytes(3 * 1024 * 1024), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.alloc(10 * 1024 * 1024, 0x61)]);
      await writeFile(input, bytes);
      await tm.rewriteConfig(`
programs:
  binary: { cmd: "cat ${input}", autorestart: never, starttime: 0, stdout: binary.out }
`);
      assert.equal((await ctl(tm.socket, 'reload')).code, 0);
      const path = join(tm.dir, 'binary.out');
      await waitFor(async () => (await stat(path).catch(() => ({ size: 0 }))).size === bytes.length, 'every byte');
      assert.ok((await readFile(path)).equals(bytes));
    } finally {
      await tm.stop();
    }
  });

  it('handles a child that closes its stdout and keeps running', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  closer: { cmd: "sh -c 'echo before; exec >&-; exec sleep 100'", starttime: 0.3, stdout: closer.out }
`);
    try {
      await tm.waitForState('closer', 'RUNNING');
      assert.equal(await readText(join(tm.dir, 'closer.out')), 'before\n');
    } finally {
      await tm.stop();
    }
  });

  it('says once that a file cannot be written, keeps draining the child, and resumes', async () => {
    const tm = await RunningTaskmaster.start('programs: {}\n');
    try {
      await writeFile(join(tm.dir, 'blocker'), 'a file where a folder should be');
      await tm.rewriteConfig(`
programs:
  full: { cmd: "seq 1 2000000", autorestart: never, starttime: 0, stdout: /dev/full }
  ticker: { cmd: "sh -c 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.05; done'", starttime: 0, stdout: blocker/ticks.out }
`);
      assert.equal((await ctl(tm.socket, 'reload')).code, 0);
      // A child that never blocks on its pipe gets to the end of its output.
      const full = await tm.waitForState('full', 'EXITED', 30_000);
      assert.equal(full.exitCode, 0);
      const log = await tm.waitForLog(/cannot write .*blocker\/ticks.out: (ENOTDIR|EEXIST)/);
      assert.equal((log.match(/cannot write \/dev\/full: ENOSPC/g) ?? []).length, 1);
      await rm(join(tm.dir, 'blocker'));
      await tm.waitForLog(/resumed writing .*blocker\/ticks.out \(dropped \d+ bytes/);
      await waitFor(async () => /tick \d+\n/.test(await readText(join(tm.dir, 'blocker', 'ticks.out'))), 'ticks in the file');
      assert.equal((await tm.process('ticker')).state, 'RUNNING');
    } finally {
      await tm.stop();
    }
  });

  it('follows output with tail -f across a rotation', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  ticker:
    cmd: "sh -c 'i=0; while true; do i=$((i+1)); echo \\"tick $i ........................................\\"; sleep 0.002; done'"
    starttime: 0
    stdout: ticks.out
    stdout_maxbytes: 4KB
    stdout_backups: 2
`);
    const follower = spawn(process.execPath, [taskmasterctlBin, '-s', tm.socket, 'tail', '-f', '-n', '0', 'ticker'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let seen = '';
      follower.stdout.setEncoding('utf8').on('data', (text: string) => (seen += text));
      await waitFor(() => (seen.match(/^tick \d+/gm) ?? []).length >= 300, '300 followed lines', 30_000);
      const numbers = [...seen.matchAll(/^tick (\d+)/gm)].map((match) => Number(match[1]));
      for (let index = 1; index < numbers.length; index += 1) assert.equal(numbers[index], numbers[index - 1]! + 1);
      assert.ok((await stat(join(tm.dir, 'ticks.out.1'))).size > 0, 'the file rotated meanwhile');
    } finally {
      follower.kill('SIGKILL');
      await tm.stop();
    }
  });

  it('reopens files on SIGUSR2, for logrotate', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  ticker: { cmd: "sh -c 'while true; do echo tick; sleep 0.02; done'", starttime: 0, stdout: ticks.out }
`);
    try {
      const path = join(tm.dir, 'ticks.out');
      await waitFor(async () => (await readText(path)).includes('tick'), 'first ticks');
      await rename(path, `${path}.moved`);
      await rename(tm.logFile, `${tm.logFile}.moved`);
      tm.child.kill('SIGUSR2');
      await waitFor(async () => (await readText(path)).includes('tick'), 'ticks in the reopened file');
      await waitFor(async () => (await stat(tm.logFile).catch(() => null)) !== null, 'a new event log file');
      assert.match(await readText(`${tm.logFile}.moved`), /received SIGUSR2 indicating log reopen request/);
    } finally {
      await tm.stop();
    }
  });

  it('prefixes inherited output with the process name and timestamps lines on request', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  talker: { cmd: "sh -c 'echo hello; echo world; exec sleep 100'", starttime: 0, stdout: inherit }
  stamped: { cmd: "sh -c 'echo dated; exec sleep 100'", starttime: 0, stdout: stamped.out, log_timestamps: true }
`);
    try {
      const stdout = await waitFor(() => (/talker \| world/.test(tm.stdout) ? tm.stdout : undefined), 'inherited lines');
      assert.match(stdout, /^talker \| hello$/m);
      await waitFor(async () => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} dated$/m.test(await readText(join(tm.dir, 'stamped.out'))), 'a timestamped line');
      const tail = await ctl(tm.socket, 'tail', 'talker');
      assert.equal(tail.stdout, 'hello\nworld\n');
    } finally {
      await tm.stop();
    }
  });
});

describe('event log settings', () => {
  it('writes JSON lines with log_format json and filters by log_level', async () => {
    const tm = await RunningTaskmaster.start(`
log_format: json
programs:
  web: { cmd: "sleep 100", starttime: 0 }
`);
    try {
      const { pid } = await tm.waitForState('web', 'RUNNING');
      const lines = (await tm.log()).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      const spawned = lines.find((line) => line['event'] === 'spawned');
      assert.deepEqual({ ...spawned, time: 'x' }, { time: 'x', level: 'info', event: 'spawned', process: 'web', pid, message: `spawned: 'web' with pid ${pid}` });
    } finally {
      await tm.stop();
    }
    const quiet = await RunningTaskmaster.start(`
log_level: warn
programs:
  stubborn: { cmd: "sh -c 'trap \\"\\" TERM; while true; do sleep 1; done'", starttime: 0, stoptime: 300ms }
`);
    try {
      await quiet.waitForState('stubborn', 'RUNNING');
      await ctl(quiet.socket, 'stop', 'stubborn');
      const log = await quiet.log();
      assert.doesNotMatch(log, /INFO/);
      assert.match(log, /WARN killing 'stubborn'/);
    } finally {
      await quiet.stop();
    }
  });

  it('rotates the event log at logfile_maxbytes', async () => {
    const tm = await RunningTaskmaster.start(`
logfile_maxbytes: 2KB
logfile_backups: 2
programs:
  flappy: { cmd: "sh -c 'exit 1'", starttime: 0, autorestart: always, crash_loop: false }
`);
    try {
      await waitFor(async () => (await stat(`${tm.logFile}.2`).catch(() => null)) !== null, 'two rotated event logs');
      assert.ok((await stat(`${tm.logFile}.1`)).size >= 2048);
      await ctl(tm.socket, 'stop', 'flappy');
    } finally {
      await tm.stop();
    }
  });
});
