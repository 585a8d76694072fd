import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, RunningTaskmaster, waitFor } from '../helpers.js';

const clockTicksPerSecond = 100;
const floodSeconds = 4;

/** User plus system CPU seconds a process has used, from /proc/PID/stat. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
}

/** Writes zeros until the file system says it is full. */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

describe('an output file on a full disk', { skip: process.getuid?.() !== 0 ? 'mounting a tmpfs needs root' : false }, () => {
  it('reports the outage once, drops cheaply, and reports the dropped count when it resumes', async (t) => {
    const dir = await makeTempDir('tm-diskfull-');
    const mount = join(dir, 'small');
    const tmDir = join(dir, 'taskmaster');
    await mkdir(mount);
    await mkdir(tmDir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mount]);
    let tm: RunningTaskmaster | undefined;
    try {
      const filler = join(mount, 'filler');
      fill(filler);
      const floodDone = join(dir, 'flood-done');
      const out = join(mount, 'flood.out');
      // A fast writer for a few seconds, then a quiet one that shows when writing is back.
      tm = await RunningTaskmaster.start(`
programs:
  flood:
    cmd: "sh -c 'timeout ${floodSeconds} yes a-line-of-output-flooding-a-full-disk; touch ${floodDone}; while true; do echo tick; sleep 0.05; done'"
    starttime: 0
    stdout: ${out}
`, tmDir);
      const supervisorPid = tm.child.pid!;
      await tm.waitForLog(/cannot write .*flood\.out: ENOSPC/);
      const cpuBefore = await cpuSeconds(supervisorPid);
      const wallBefore = Date.now();
      await waitFor(() => stat(floodDone).then(() => true, () => false), 'the flood to end', 30_000);
      const cpuUsed = (await cpuSeconds(supervisorPid)) - cpuBefore;
      const wallSeconds = (Date.now() - wallBefore) / 1000;
      await rm(filler);
      await tm.waitForLog(/resumed writing .*flood\.out/);
      await waitFor(async () => /tick\n/.test(await readFile(out, 'utf8').catch(() => '')), 'ticks in the file once there is room');
      const log = await tm.log();
      assert.equal((log.match(/cannot write .*flood\.out/g) ?? []).length, 1, log);
      const resumed = log.match(/resumed writing .*flood\.out \(dropped (\d+) bytes while it could not be written\)/g) ?? [];
      assert.equal(resumed.length, 1, log);
      const dropped = Number(/dropped (\d+) bytes/.exec(resumed[0]!)![1]);
      assert.ok(dropped > 0, `dropped ${dropped} bytes`);
      // Generous: dropping a flood costs a few percent of a core; reading it all costs a whole one.
      const coreShare = cpuUsed / wallSeconds;
      t.diagnostic(`supervisor CPU while dropping: ${(coreShare * 100).toFixed(1)}% of a core; dropped ${dropped} bytes`);
      assert.ok(coreShare < 0.35, `the supervisor used ${cpuUsed.toFixed(2)} s of CPU in ${wallSeconds.toFixed(1)} s while dropping`);
    } finally {
      if (tm) await tm.stop();
      execFileSync('umount', ['-l', mount]);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
