import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { fixtures, makeTempDir, RunningTaskmaster, waitFor, freePort } from '../helpers.js';


type Target = { port: number; auth?: string } | { socketPath: string };

function get(target: Target, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const where = 'socketPath' in target ? { socketPath: target.socketPath } : { host: '127.0.0.1', port: target.port, headers: target.auth ? { authorization: `Basic ${Buffer.from(target.auth).toString('base64')}` } : {} };
    const outgoing = request({ ...where, path }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** Holds an event stream open, collecting its events, until close(). */
function watch(socketPath: string, path = '/v1/events'): { events: { type: string; data: any }[]; close: () => void } {
  const events: { type: string; data: any }[] = [];
  const outgoing = request({ socketPath, path }, (response) => {
    let pending = '';
    response.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      let end = pending.indexOf('\n\n');
      while (end !== -1) {
        const block = pending.slice(0, end).split('\n');
        pending = pending.slice(end + 2);
        const type = block.find((line) => line.startsWith('event: '))?.slice(7) ?? '';
        const data = block.find((line) => line.startsWith('data: '))?.slice(6);
        if (data) events.push({ type, data: JSON.parse(data) });
        end = pending.indexOf('\n\n');
      }
    });
    response.on('error', () => {});
  });
  outgoing.on('error', () => {});
  outgoing.end();
  return { events, close: () => outgoing.destroy() };
}

function promtoolCheck(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('exit', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

function series(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{`) && wanted.every((label) => candidate.includes(label)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const passesOf = (text: string): number => Number(/^taskmaster_resource_sampling_passes_total (\d+)$/m.exec(text)?.[1]);

async function cpuTicks(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

describe('metrics and resource sampling', () => {
  it('serves /metrics in a format promtool accepts, behind the credentials on TCP', async () => {
    const port = await freePort();
    const dir = await makeTempDir();
    const tm = await RunningTaskmaster.start(`
http: { listen: "127.0.0.1:${port}", username: admin, password: pw }
programs:
  web: { cmd: "sleep 100", starttime: 0 }
  recovered: { cmd: "sh -c 'if [ -e ${dir}/ran ]; then exec sleep 100; fi; touch ${dir}/ran; exit 3'", starttime: 0, autorestart: true }
  crasher: { cmd: "${fixtures}/exit-with.sh 0 3", starttime: 0, autorestart: true, startretries: 100 }
  job: { cmd: "true", schedule: "*/1 * * * * *" }
`, dir);
    try {
      assert.equal((await get({ port }, '/metrics')).status, 401);
      const scrape = async () => {
        const reply = await get({ port, auth: 'admin:pw' }, '/metrics');
        assert.equal(reply.status, 200);
        assert.match(reply.type, /^text\/plain; version=0\.0\.4/);
        return reply.body;
      };
      const text = await waitFor(async () => {
        const body = await scrape();
        return (series(body, 'taskmaster_process_restarts_total', { name: 'crasher' }) ?? 0) >= 2 && series(body, 'taskmaster_process_state', { name: 'recovered', state: 'RUNNING' }) === 1 && series(body, 'taskmaster_job_last_result', { name: 'job', result: 'success' }) === 1 ? body : undefined;
      }, 'the crasher to restart and the job to run');
      const lint = await promtoolCheck(text);
      assert.equal(lint.code, 0, `promtool check metrics: ${lint.output}\n${text}`);
      assert.equal(lint.output.trim(), '', `promtool has remarks: ${lint.output}`);
      assert.equal(series(text, 'taskmaster_process_state', { name: 'web', state: 'RUNNING' }), 1);
      assert.equal(series(text, 'taskmaster_process_state', { name: 'web', state: 'STOPPED' }), 0);
      assert.equal(text.split('\n').filter((line) => line.startsWith('taskmaster_process_state{name="web"')).length, 7);
      assert.ok(series(text, 'taskmaster_process_resident_memory_bytes', { name: 'web' })! > 0);
      assert.ok(series(text, 'taskmaster_process_open_fds', { name: 'web' })! >= 1);
      assert.ok(series(text, 'taskmaster_process_cpu_seconds_total', { name: 'web' })! >= 0);
      assert.ok(series(text, 'taskmaster_process_uptime_seconds', { name: 'web' })! >= 0);
      assert.equal(series(text, 'taskmaster_process_last_exit_code', { name: 'crasher' }), 3);
      assert.equal(series(text, 'taskmaster_process_last_exit_code', { name: 'web' }), undefined, 'web never ended');
      assert.equal(series(text, 'taskmaster_process_last_exit_code', { name: 'recovered' }), 3, 'kept while the next run goes');
      assert.equal(series(text, 'taskmaster_process_restarts_total', { name: 'recovered' }), 1);
      assert.ok(series(text, 'taskmaster_job_last_duration_seconds', { name: 'job' })! >= 0);
      assert.match(text, /^taskmaster_build_info\{version="\d+\.\d+\.\d+"\} 1$/m);
      assert.match(text, /^process_resident_memory_bytes \d+$/m);
      assert.match(text, /^process_cpu_seconds_total [\d.e-]+$/m);
      const status = await tm.process('crasher');
      assert.ok((status as unknown as { restarts: number }).restarts >= 2);
      const overSocket = await get({ socketPath: tm.socket }, '/metrics');
      assert.equal(overSocket.status, 200);
      assert.match(overSocket.body, /^taskmaster_process_state\{name="web",group="web",state="RUNNING"\} 1$/m);
    } finally {
      await tm.stop();
    }
  });

  it('reads /proc only while someone watches: none idle, a pass each interval with a watcher', { timeout: 90_000 }, async (t) => {
    const tm = await RunningTaskmaster.start(`
programs:
  sleeper: { cmd: "sleep 100", starttime: 0, numprocs: 20 }
`);
    try {
      await waitFor(async () => (await tm.status()).every((process) => process.state === 'RUNNING'), 'all to run');
      const pid = tm.child.pid!;
      const status = (await tm.status())[0] as unknown as Record<string, unknown>;
      assert.equal(status['cpuPercent'], undefined, 'nobody watched, nothing was sampled');
      assert.equal(status['restarts'], 0);
      const idleStart = passesOf((await get({ socketPath: tm.socket }, '/metrics')).body);
      const idleTicksStart = await cpuTicks(pid);
      // One sampling interval (5 s) and a half of nobody watching.
      await new Promise((resolve) => setTimeout(resolve, 7500));
      const idleTicks = (await cpuTicks(pid)) - idleTicksStart;
      const idleEnd = passesOf((await get({ socketPath: tm.socket }, '/metrics')).body);
      assert.equal(idleEnd, idleStart + 1, 'only the scrape itself sampled');

      const watcher = watch(tm.socket);
      await waitFor(async () => /^taskmaster_resource_watchers 1$/m.test((await get({ socketPath: tm.socket }, '/metrics')).body), 'the watcher to count');
      const watchedTicksStart = await cpuTicks(pid);
      try {
        const resources = await waitFor(() => watcher.events.filter((event) => event.type === 'resources').at(1), 'two passes of resource events', 20_000);
        assert.equal(watcher.events[0]!.type, 'snapshot', 'the snapshot comes first');
        const sample = resources.data.processes.find((process: { name: string }) => process.name === 'sleeper:sleeper_00');
        assert.ok(sample.rssBytes > 0 && sample.cpuPercent >= 0 && sample.openFds >= 1, JSON.stringify(sample));
        const watched = (await tm.status())[0] as unknown as Record<string, number>;
        assert.ok(watched['rssBytes']! > 0 && typeof watched['cpuPercent'] === 'number');
        const charts = JSON.parse((await get({ socketPath: tm.socket }, '/v1/samples?name=sleeper:sleeper_00')).body);
        assert.equal(charts.processes[0].intervalMs, 10_000);
        assert.ok(charts.processes[0].samples.length >= 1 && charts.processes[0].samples[0].rssBytes > 0);
      } finally {
        watcher.close();
      }
      const watchedTicks = (await cpuTicks(pid)) - watchedTicksStart;
      t.diagnostic(`supervisor CPU over 7.5 s idle with 20 processes: ${idleTicks} ticks (${idleTicks / 7.5}% of a core); watched ~10 s: ${watchedTicks} ticks`);
      assert.ok(idleTicks <= 20, `an idle supervisor used ${idleTicks} ticks in 7.5 s`);
      // Once the watcher has gone, the timer is gone with it.
      const afterText = await waitFor(async () => {
        const body = (await get({ socketPath: tm.socket }, '/metrics')).body;
        return /^taskmaster_resource_watchers 0$/m.test(body) ? body : undefined;
      }, 'the supervisor to see the watcher leave');
      const afterStart = passesOf(afterText);
      await new Promise((resolve) => setTimeout(resolve, 6000));
      assert.equal(passesOf((await get({ socketPath: tm.socket }, '/metrics')).body), afterStart + 1);
    } finally {
      await tm.stop();
    }
  });
});
