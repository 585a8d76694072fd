import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ctl, RunningTaskmaster, waitFor } from '../helpers.js';

const readText = (path: string) => readFile(path, 'utf8').catch(() => '');
const sizeOf = async (path: string) => (await stat(path).catch(() => ({ size: -1 }))).size;
/** The documented bound is 100 ms; this only catches output that never comes. */
const arrivesWithinMs = 5000;

describe('unfinished lines', () => {
  it('writes a prompt without newline to the file and to tail while the program waits', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  prompt: { cmd: "sh -c 'printf \\"Password: \\"; exec sleep 1000'", starttime: 0, stdout: prompt.out }
`);
    try {
      await tm.waitForState('prompt', 'RUNNING');
      const path = join(tm.dir, 'prompt.out');
      await waitFor(async () => (await readText(path)) === 'Password: ', 'the prompt in its file', arrivesWithinMs);
      const tail = await ctl(tm.socket, 'tail', 'prompt');
      assert.equal(tail.code, 0, tail.stderr);
      assert.equal(tail.stdout, 'Password: ');
      assert.equal((await tm.process('prompt')).state, 'RUNNING');
    } finally {
      await tm.stop();
    }
  });

  it('writes progress step by step, and stamps a line only once when its end comes later', async () => {
    const tm = await RunningTaskmaster.start('programs: {}\n');
    try {
      const go = join(tm.dir, 'go');
      const waitGo = `while [ ! -e ${go} ]; do sleep 0.02; done`;
      await tm.rewriteConfig(`
programs:
  progress: { cmd: "sh -c 'printf step-1...; ${waitGo}; printf step-2...; exec sleep 1000'", starttime: 0, stdout: progress.out }
  stamped: { cmd: "sh -c 'printf \\"Password: \\"; ${waitGo}; echo accepted; exec sleep 1000'", starttime: 0, stdout: stamped.out, log_timestamps: true }
`);
      assert.equal((await ctl(tm.socket, 'reload')).code, 0);
      const progress = join(tm.dir, 'progress.out');
      const stamped = join(tm.dir, 'stamped.out');
      await waitFor(async () => (await readText(progress)) === 'step-1...', 'the first step', arrivesWithinMs);
      await waitFor(async () => (await readText(stamped)).endsWith('Password: '), 'the stamped prompt', arrivesWithinMs);
      await writeFile(go, '');
      await waitFor(async () => (await readText(progress)) === 'step-1...step-2...', 'the second step', arrivesWithinMs);
      await waitFor(async () => (await readText(stamped)).endsWith('\n'), 'the end of the stamped line', arrivesWithinMs);
      assert.match(await readText(stamped), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} Password: accepted\n$/);
    } finally {
      await tm.stop();
    }
  });

  it('writes the newline-free tail of binary output while the program runs', async () => {
    // 1,000,000 is no multiple of the pipe's 64 KiB reads: a tail of it is always left over.
    const bytes = 1_000_000;
    const tm = await RunningTaskmaster.start(`
programs:
  zeros: { cmd: "sh -c 'head -c ${bytes} /dev/zero; exec sleep 1000'", starttime: 0, stdout: zeros.out }
`);
    try {
      const path = join(tm.dir, 'zeros.out');
      await waitFor(async () => (await sizeOf(path)) === bytes, `all ${bytes} bytes in the file`, 15_000);
      assert.ok((await readFile(path)).equals(Buffer.alloc(bytes)));
      assert.equal((await tm.process('zeros')).state, 'RUNNING');
    } finally {
      await tm.stop();
    }
  });
});
