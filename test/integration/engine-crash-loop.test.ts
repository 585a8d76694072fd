import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { ctl, isAlive, RunningTaskmaster, waitFor } from '../helpers.js';

/** CPU seconds (user + system) the process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const spawnCount = (log: string, name: string): number => (log.match(new RegExp(`spawned: '${name}'`, 'g')) ?? []).length;

/** A loopback port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('crash loops', () => {
  it('backs off a program that exits at once, doubling the delay, and says so in status and log', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  flappy: { cmd: "sh -c 'exit 1'", starttime: 0, autorestart: always, crash_loop: { burst: 2, delay: 500ms, max_delay: 2s } }
`);
    try {
      const supervisorPid = tm.child.pid!;
      const cpuBefore = cpuSeconds(supervisorPid);
      const startedAt = Date.now();
      const entry = await waitFor(async () => {
        const status = await tm.process('flappy');
        return status.state === 'BACKOFF' && /^restarting in \ds \(crash loop: [4-9] quick exits; exit status 1; see \S+flappy\.stderr\.log\)$/.test(status.description) ? status : undefined;
      }, 'flappy in BACKOFF after four quick exits');
      assert.equal(entry.pid, null);
      const log = await tm.waitForLog(/crash loop: flappy exited 5 times in a row within 10s of its start, restarting in 2s/);
      assert.match(log, /crash loop: flappy exited 3 times in a row within 10s of its start, restarting in 500ms/);
      assert.match(log, /crash loop: flappy exited 4 times in a row within 10s of its start, restarting in 1s/);
      const elapsedS = (Date.now() - startedAt) / 1000;
      // Without backoff it respawns hundreds of times a second; with it, a handful in these seconds.
      assert.ok(spawnCount(log, 'flappy') <= 8, `${spawnCount(log, 'flappy')} spawns`);
      const cpuShare = (cpuSeconds(supervisorPid) - cpuBefore) / elapsedS;
      assert.ok(cpuShare < 0.25, `supervisor used ${(cpuShare * 100).toFixed(0)}% of a core in the loop`);
      const stopped = await ctl(tm.socket, 'stop', 'flappy');
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.equal((await tm.process('flappy')).state, 'STOPPED');
    } finally {
      await tm.stop();
    }
  });

  it('restarts a long-running process at once after each single crash', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  steady: { cmd: "sleep 1000", starttime: 0, autorestart: always, crash_loop: { quick_exit: 300ms, burst: 0 } }
`);
    try {
      let { pid } = await tm.waitForState('steady', 'RUNNING');
      for (let round = 0; round < 4; round += 1) {
        // Up for longer than quick_exit: the next kill is a single crash, not a loop.
        await waitFor(async () => (await tm.process('steady')).uptime >= 1, 'an uptime of a second');
        process.kill(pid!, 'SIGKILL');
        const next = await tm.waitForRestart('steady', pid);
        // Timed from the event log's own stamps, so a loaded machine's polling does not count; a backoff would wait 1 s.
        const lines = (await tm.log()).split('\n');
        const spawnedAt = lines.findIndex((line) => line.endsWith(`spawned: 'steady' with pid ${next.pid}`));
        let exitedAt = spawnedAt - 1;
        while (exitedAt >= 0 && !lines[exitedAt]!.includes('exited: steady (terminated by SIGKILL')) exitedAt -= 1;
        const stampOf = (line: string): number => Date.parse(line.slice(0, 23).replace(' ', 'T').replace(',', '.'));
        assert.ok(spawnedAt > 0 && exitedAt >= 0, 'exit and respawn are in the log');
        const restartMs = stampOf(lines[spawnedAt]!) - stampOf(lines[exitedAt]!);
        assert.ok(restartMs < 900, `restart took ${restartMs} ms`);
        assert.ok(!isAlive(pid!));
        pid = next.pid;
      }
      assert.doesNotMatch(await tm.log(), /crash loop/);
    } finally {
      await tm.stop();
    }
  });

  it('ends in FATAL at the optional limit', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  doomed: { cmd: "sh -c 'exit 3'", starttime: 0, autorestart: always, crash_loop: { limit: 4, delay: 100ms } }
`);
    try {
      const entry = await tm.waitForState('doomed', 'FATAL');
      assert.match(entry.description, /^crash loop: 4 quick exits in a row \(exit status 3; see \/.+\/doomed\.stderr\.log\)$/);
      const log = await tm.log();
      assert.match(log, /gave up: doomed entered FATAL state, crash loop: 4 quick exits in a row/);
      assert.equal(spawnCount(log, 'doomed'), 4);
    } finally {
      await tm.stop();
    }
  });
});

describe('ready deadline', () => {
  it('fails a start whose ready check never passes: BACKOFF, then FATAL, with the last probe error', async () => {
    const port = await closedPort();
    const tm = await RunningTaskmaster.start(`
programs:
  mute:
    cmd: "sleep 1000"
    starttime: 0
    startretries: 1
    autostart: false
    ready: { tcp: "127.0.0.1:${port}", interval: 100ms, deadline: 1s }
`);
    try {
      const startedAt = Date.now();
      const result = await ctl(tm.socket, 'start', 'mute');
      assert.equal(result.code, 1, `${result.stdout}${result.stderr}`);
      assert.ok(Date.now() - startedAt < 20_000);
      const entry = await tm.process('mute');
      assert.equal(entry.state, 'FATAL');
      assert.match(entry.description, /^ready check did not pass within 1s \(last: ECONNREFUSED\); terminated by SIGTERM; see \/.+\/mute\.stderr\.log$/);
      const log = await tm.log();
      assert.equal((log.match(/not ready: mute ready check did not pass within 1s \(last: ECONNREFUSED\), sending SIGTERM/g) ?? []).length, 2);
      assert.match(log, /backoff: mute will retry in 1s/);
      const pids = [...log.matchAll(/spawned: 'mute' with pid (\d+)/g)].map((match) => Number(match[1]));
      assert.equal(pids.length, 2);
      for (const pid of pids) assert.ok(!isAlive(pid), `pid ${pid} was left running`);
    } finally {
      await tm.stop();
    }
  });
});
