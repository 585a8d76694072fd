import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { open, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatDurationMs } from '../../src/config/duration.js';
import { configLimits } from '../../src/config/limits.js';
import { ctl, fixtures, isAlive, makeTempDir, run, RunningTaskmaster, taskmasterBin, waitFor } from '../helpers.js';

const check = (file: string) => run(process.execPath, [taskmasterBin, '--check', '-c', file, '-s', '/tmp/unused.sock'], { timeoutMs: 20_000 });

/** One status request straight on the socket, so only the supervisor's own delay is measured. */
function statusLatencyMs(socket: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path: '/v1/status', method: 'GET' }, (response) => {
      response.resume();
      response.on('end', () => resolve(performance.now() - started));
    });
    req.on('error', reject);
    req.end();
  });
}

function programsYaml(count: number, extra = ''): string {
  let text = 'programs:\n  ticker: { cmd: "sleep 1000", starttime: 0 }\n';
  for (let index = 0; index < count; index++) text += `  p${index}:\n    cmd: "sleep 1000"\n    autostart: false\n${extra}`;
  return text;
}

describe('configs that pass --check cannot hurt a running supervisor', () => {
  it('refuses a FIFO as the config at once, for --check and for a reload', async () => {
    const dir = await makeTempDir();
    const fifo = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    const checked = await check(fifo);
    assert.equal(checked.code, 1);
    assert.equal(checked.stderr.trim(), `${fifo}:1:1: Cannot read config: it is a FIFO, expected a regular file`);
    assert.equal((await check(dir)).stderr.trim(), `${dir}:1:1: Cannot read config: it is a folder, expected a regular file`);

    const tm = await RunningTaskmaster.start('programs:\n  a: { cmd: "sleep 1000", starttime: 0 }\n');
    try {
      const { pid } = await tm.waitForState('a', 'RUNNING');
      execFileSync('rm', [tm.configFile]);
      execFileSync('mkfifo', [tm.configFile]);
      const reload = await ctl(tm.socket, 'reload');
      assert.notEqual(reload.code, 0);
      await tm.waitForLog(/reload rejected, nothing changed: .*Cannot read config: it is a FIFO/);
      assert.equal((await tm.process('a')).pid, pid);
    } finally {
      await tm.stop();
    }
  });

  it('refuses a file over the size limit with a clear error', async () => {
    const dir = await makeTempDir();
    const big = join(dir, 'big.yaml');
    const handle = await open(big, 'w');
    await handle.write('programs: {}\n');
    await handle.truncate(configLimits.maxConfigBytes + 1);
    await handle.close();
    const checked = await check(big);
    assert.equal(checked.code, 1);
    assert.equal(checked.stderr.trim(), `${big}:1:1: Cannot read config: it has ${configLimits.maxConfigBytes + 1} bytes, more than the limit of 16MB`);
  });

  it('rejects numprocs: 1e9 on reload and keeps supervising', async () => {
    const tm = await RunningTaskmaster.start('programs:\n  a: { cmd: "sleep 1000", starttime: 0 }\n');
    try {
      const { pid } = await tm.waitForState('a', 'RUNNING');
      await tm.rewriteConfig('programs:\n  a: { cmd: "sleep 1000", starttime: 0 }\n  many: { cmd: "sleep 1000", numprocs: 1e9 }\n');
      await ctl(tm.socket, 'reload');
      await tm.waitForLog(/reload rejected, nothing changed: .*:3:\d+: programs\.many\.numprocs: expected a whole number from 1 to 1000, got 1e9/);
      assert.equal((await tm.process('a')).pid, pid);
    } finally {
      await tm.stop();
    }
  });

  it('waits the longest allowed stoptime instead of killing at once', async () => {
    const longest = formatDurationMs(configLimits.maxDurationMs);
    const tm = await RunningTaskmaster.start(`programs:\n  stubborn: { cmd: "${fixtures}/ignore-term.sh", starttime: 0, stoptime: ${longest} }\n`);
    let pid: number | null = null;
    try {
      pid = (await tm.waitForState('stubborn', 'RUNNING')).pid;
      assert.ok(pid);
      const stopping = ctl(tm.socket, 'stop', 'stubborn');
      await tm.waitForState('stubborn', 'STOPPING');
      // An overflowing timer fires after 1 ms; a correct one leaves the child alive for 576 h.
      const watchUntil = Date.now() + 1500;
      await waitFor(() => !isAlive(pid!) || Date.now() > watchUntil, 'the stop window to pass');
      assert.ok(isAlive(pid), `stubborn was killed before its stoptime of ${longest}`);
      process.kill(pid, 'SIGKILL');
      await stopping;
      await tm.waitForState('stubborn', 'STOPPED');
    } finally {
      if (pid !== null && isAlive(pid)) process.kill(pid, 'SIGKILL');
      await tm.stop();
    }
  });

  it('keeps answering status while it parses a near-limit config on reload', async (t) => {
    const tm = await RunningTaskmaster.start(programsYaml(0));
    try {
      await tm.waitForState('ticker', 'RUNNING');
      // Over the program limit, so the whole file is parsed, then refused: parsing alone is measured.
      const count = configLimits.maxPrograms * 2;
      await writeFile(tm.configFile, programsYaml(count, '    stoptime: 5s\n    exitcodes: [0, 1]\n'));
      const reloading = ctl(tm.socket, 'reload');
      let reloaded = false;
      void reloading.finally(() => (reloaded = true));
      const latencies: number[] = [];
      while (!reloaded) {
        latencies.push(await statusLatencyMs(tm.socket));
        // Paced, so the probe itself does not load the machine.
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const result = await reloading;
      assert.match(result.stdout + result.stderr, new RegExp(`expected at most ${configLimits.maxPrograms} programs, got ${count + 1}`));
      const worst = latencies.reduce((most, latency) => Math.max(most, latency), 0);
      t.diagnostic(`${latencies.length} status answers during the reload, the slowest took ${worst.toFixed(0)} ms`);
      // Parsing it on the event loop stalls status for seconds; off it, answers stay quick.
      assert.ok(latencies.length >= 5 && worst < 1500, `${latencies.length} status answers during the reload, the slowest took ${worst.toFixed(0)} ms`);
    } finally {
      await tm.stop();
    }
  });
});
