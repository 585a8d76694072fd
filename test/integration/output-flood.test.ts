import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ctl, RunningTaskmaster, waitFor } from '../helpers.js';

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

const sizeOf = async (path: string) => (await stat(path).catch(() => ({ size: -1 }))).size;

describe('floods', () => {
  it('writes every byte of ten flooding children with flat memory, and still restarts others at once', async (t) => {
    const bytesEach = 40_000_000;
    const tm = await RunningTaskmaster.start(`
programs:
  flood: { cmd: "head -c ${bytesEach} /dev/zero", numprocs: 10, autorestart: never, starttime: 0, stdout_maxbytes: 0 }
  victim: { cmd: "sleep 100", starttime: 0 }
  forever: { cmd: "yes flood-of-lines-flood-of-lines", starttime: 0, stdout: forever.out, stdout_maxbytes: 20MB, stdout_backups: 1 }
`);
    try {
      const supervisorPid = tm.child.pid!;
      let peakRss = 0;
      const sample = async () => {
        peakRss = Math.max(peakRss, await rssBytes(supervisorPid));
      };
      const { pid } = await tm.waitForState('victim', 'RUNNING');
      await sample();
      const killedAt = Date.now();
      process.kill(pid!, 'SIGKILL');
      await waitFor(async () => {
        await sample();
        const entry = await tm.process('victim');
        return entry.pid !== pid && entry.state === 'RUNNING';
      }, 'the victim restarted during the flood');
      const restartMs = Date.now() - killedAt;
      assert.ok(restartMs < 5000, `restart took ${restartMs} ms during the flood`);
      // The event log's timestamps give the supervisor's own reaction time, without the polling above.
      const log = await tm.log();
      const stamp = (pattern: RegExp) => {
        const match = pattern.exec(log)!;
        return Date.parse(match[1]!.replace(' ', 'T').replace(',', '.'));
      };
      const reactionMs = stamp(/^(\S+ \S+) INFO spawned: 'victim'.*$(?![^]*spawned: 'victim')/m) - stamp(/^(\S+ \S+) INFO exited: victim/m);
      assert.ok(reactionMs < 1000, `respawned ${reactionMs} ms after the exit`);
      const files = Array.from({ length: 10 }, (_, index) => join(tm.dir, 'logs', `flood-flood_0${index}.stdout.log`));
      await waitFor(async () => {
        await sample();
        const sizes = await Promise.all(files.map(sizeOf));
        return sizes.every((size) => size === bytesEach);
      }, 'every byte of every flood in its file', 60_000);
      const statusStarted = Date.now();
      assert.equal((await ctl(tm.socket, 'status', 'victim')).code, 0);
      assert.ok(Date.now() - statusStarted < 5000);
      t.diagnostic(`respawn during flood ${reactionMs} ms after the exit (${restartMs} ms seen through taskmasterctl), peak supervisor RSS ${Math.round(peakRss / 1048576)} MiB`);
      assert.ok(peakRss < 250 * 1024 * 1024, `supervisor RSS peaked at ${Math.round(peakRss / 1048576)} MiB`);
    } finally {
      await tm.stop();
    }
  });
});
