import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ctl, fixtures, isAlive, RunningTaskmaster, waitFor } from '../helpers.js';

const burstLines = 300_000;

/**
 * A child that, told to stop, writes a burst and exits, and whose own child writes a last
 * unfinished line just after: killasgroup is off so that child may finish its write.
 */
function burstProgram(name: string): string {
  return `  ${name}: { cmd: "${join(fixtures, 'burst-on-term.sh')} ${burstLines}", starttime: 0, stdout: ${name}.out, stoptime: 30, killasgroup: false }\n`;
}

function expectedBurst(): string {
  let text = 'ready\n';
  for (let index = 1; index <= burstLines; index += 1) text += `${index}\n`;
  return `${text}last-words`;
}

async function startBursting(names: readonly string[]): Promise<RunningTaskmaster> {
  const tm = await RunningTaskmaster.start(`programs:\n${names.map(burstProgram).join('')}`);
  for (const name of names) {
    await tm.waitForState(name, 'RUNNING');
    await waitFor(async () => (await readFile(join(tm.dir, `${name}.out`), 'utf8').catch(() => '')) === 'ready\n', `${name} to be ready`);
  }
  return tm;
}

describe('nothing is lost when output ends with the process', () => {
  it('stop returns once the file holds the burst written on SIGTERM', async () => {
    const tm = await startBursting(['burst']);
    try {
      const stopped = await ctl(tm.socket, 'stop', 'burst');
      assert.equal(stopped.code, 0, stopped.stderr);
      // Read at once: stop promised the file is complete.
      assert.equal(await readFile(join(tm.dir, 'burst.out'), 'utf8'), expectedBurst());
    } finally {
      await tm.stop();
    }
  });

  it('shutdown returns once every file holds what the children wrote while stopping', async () => {
    const names = ['first', 'second'];
    const tm = await startBursting(names);
    const dir = tm.dir;
    try {
      const result = await ctl(tm.socket, 'shutdown');
      assert.equal(result.code, 0, result.stderr);
      for (const name of names) assert.equal(await readFile(join(dir, `${name}.out`), 'utf8'), expectedBurst(), `${name}.out`);
      assert.equal(await tm.waitForExit(), 0);
    } finally {
      await tm.stop();
    }
  });

  it('SIGTERM exits only once every file holds what the children wrote while stopping', async () => {
    const names = ['one', 'two'];
    const tm = await startBursting(names);
    const supervisorPid = tm.child.pid!;
    const dir = tm.dir;
    try {
      tm.child.kill('SIGTERM');
      assert.equal(await tm.waitForExit(), 0);
      assert.ok(!isAlive(supervisorPid));
      for (const name of names) assert.equal(await readFile(join(dir, `${name}.out`), 'utf8'), expectedBurst(), `${name}.out`);
    } finally {
      await tm.stop();
    }
  });
});
