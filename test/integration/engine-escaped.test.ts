import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { ApiClient } from '../../src/control/api-client.js';
import { isAlive, makeTempDir, RunningTaskmaster, waitFor } from '../helpers.js';

/** A program whose child leaves its process group (setsid), as a daemonising script does. */
function escaperConfig(dir: string, name: string): string {
  return `  ${name}: { cmd: "sh -c 'setsid sleep 1000 & echo $! > ${join(dir, name)}.pid; wait'", starttime: 0 }\n`;
}

/** Alive and not a zombie: a re-parented zombie waits for an init that may be slow to reap it. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

async function escapedPid(dir: string, name: string): Promise<number> {
  return waitFor(async () => Number((await readFile(join(dir, `${name}.pid`), 'utf8').catch(() => '')).trim()) || undefined, `${name}'s escaped child`);
}

it('stops a descendant that left the process group, at stop and at shutdown', async (t) => {
  const dir = await makeTempDir();
  const escaped: number[] = [];
  t.after(() => {
    for (const pid of escaped) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  const tm = await RunningTaskmaster.start(`programs:\n${escaperConfig(dir, 'stopped')}${escaperConfig(dir, 'atshutdown')}`, dir);
  try {
    await tm.waitForState('stopped', 'RUNNING');
    await tm.waitForState('atshutdown', 'RUNNING');
    escaped.push(await escapedPid(dir, 'stopped'), await escapedPid(dir, 'atshutdown'));
    const [byStop, byShutdown] = escaped as [number, number];
    assert.ok(isRunning(byStop) && isRunning(byShutdown));
    const stop = await new ApiClient(tm.socket).stop(['stopped']);
    assert.ok(stop.every((result) => result.ok));
    await waitFor(() => !isRunning(byStop), 'the escaped child of a stopped process to be gone', 5_000);
    assert.ok(isRunning(byShutdown), 'only the stopped program is touched');
  } finally {
    await tm.stop();
  }
  await waitFor(() => !isRunning(escaped[1]!), 'the escaped child to be gone after shutdown', 5_000);
});
