import assert from 'node:assert/strict';
import { request } from 'node:http';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ctl, makeTempDir, RunningTaskmaster } from '../helpers.js';

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly ms: number;
}

/** One request to the control socket, timed. */
function ask(socket: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const outgoing = request({ socketPath: socket, method, path, headers: text === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(text);
  });
}

async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)![1]) * 1024;
}

const lineBytes = 100;
const lineOf = (index: number) => `${String(index).padStart(10, '0')} ${'x'.repeat(lineBytes - 12)}\n`;

describe('limits of the control API', () => {
  it('bounds what waits for a child that never reads its stdin, and says so', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  deaf: { cmd: "sleep 1000", stdout: discard, stderr: discard }
`);
    try {
      await tm.waitForState('deaf', 'RUNNING');
      const before = await residentBytes(tm.child.pid!);
      const data = 'y'.repeat(1000 * 1000);
      const statuses: number[] = [];
      let refusal = '';
      for (let index = 0; index < 200; index += 1) {
        const answer = await ask(tm.socket, 'POST', '/v1/stdin', { name: 'deaf', data });
        statuses.push(answer.status);
        if (answer.status !== 200) refusal = answer.body;
      }
      const after = await residentBytes(tm.child.pid!);
      assert.ok(statuses.filter((status) => status === 200).length <= 2, `accepted: ${statuses.join(',')}`);
      assert.ok(statuses.slice(2).every((status) => status === 429), statuses.join(','));
      assert.equal(JSON.parse(refusal).code, 'E_STDIN_FULL');
      assert.match(JSON.parse(refusal).message, /deaf is not reading its stdin/);
      // 200 MB were sent; what stays is about the 1 MiB queue, plus the heap's slack.
      console.log(`200 x 1 MB to a stdin that is never read: supervisor RSS grew by ${Math.round((after - before) / 1e6)} MB`);
      assert.ok(after - before < 80 * 1024 * 1024, `supervisor grew by ${Math.round((after - before) / 1e6)} MB`);
      const fromCtl = await ctl(tm.socket, 'status', 'deaf');
      assert.equal(fromCtl.code, 0);
    } finally {
      await tm.stop();
    }
  });

  it('tails a huge file in bounded time while status stays responsive', async () => {
    const dir = await makeTempDir();
    const totalLines = 512 * 1024;
    const file = await open(join(dir, 'big.out'), 'w', 0o600);
    for (let start = 0; start < totalLines; start += 8192) {
      let block = '';
      for (let index = start; index < start + 8192; index += 1) block += lineOf(index);
      await file.write(block);
    }
    await file.close();
    const tm = await RunningTaskmaster.start(`
programs:
  big: { cmd: "sleep 1000", stdout: big.out }
`, dir);
    try {
      await tm.waitForState('big', 'RUNNING');
      const started = performance.now();
      let tailDone = false;
      const tail = ask(tm.socket, 'GET', '/v1/tail?name=big&stream=stdout&lines=100000000').finally(() => (tailDone = true));
      // A tail still running when the test gives up fails with the stop below; that is not news.
      tail.catch(() => undefined);
      const latencies: number[] = [];
      while (!tailDone && performance.now() - started < 30_000) latencies.push((await ask(tm.socket, 'GET', '/v1/status')).ms);
      assert.ok(tailDone, 'the tail did not finish within 30 s');
      const answer = await tail;
      const tailMs = performance.now() - started;
      assert.equal(answer.status, 200);
      // The byte cap (4 MiB) holds 41943 whole lines of 100 bytes: exactly the last ones.
      const kept = Math.floor((4 * 1024 * 1024) / lineBytes);
      let expected = '';
      for (let index = totalLines - kept; index < totalLines; index += 1) expected += lineOf(index);
      assert.equal(answer.body.length, expected.length);
      assert.ok(answer.body === expected, 'the tail is the end of the file');
      assert.ok(tailMs < 20_000, `tail took ${Math.round(tailMs)} ms`);
      const worstMs = Math.max(0, ...latencies);
      assert.ok(worstMs < 1000, `status took up to ${Math.round(worstMs)} ms during the tail`);
      const short = await ctl(tm.socket, 'tail', '-n', '1000', 'big');
      let lastThousand = '';
      for (let index = totalLines - 1000; index < totalLines; index += 1) lastThousand += lineOf(index);
      assert.ok(short.stdout === lastThousand, 'tail -n 1000 gives the last 1000 lines');
      console.log(`tail of 50 MB: ${Math.round(tailMs)} ms; status during it: ${latencies.length} calls, worst ${Math.round(worstMs)} ms`);
    } finally {
      await tm.stop();
    }
  });
});
