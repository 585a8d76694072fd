import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { answers, ctl, makeTempDir, taskmasterBin, waitFor, freePort } from '../helpers.js';


interface FloodSocket {
  readonly openedAtMs: number;
  connected: boolean;
  closedAtMs: number | null;
  readonly socket: Socket;
}

/** Opens `count` idle connections at once and keeps them, noting when the server closes each. */
function flood(count: number, target: { port: number } | { path: string }): FloodSocket[] {
  return Array.from({ length: count }, () => {
    const socket = 'port' in target ? connect(target.port, '127.0.0.1') : connect(target.path);
    const entry: FloodSocket = { openedAtMs: Date.now(), connected: false, closedAtMs: null, socket };
    socket.on('connect', () => (entry.connected = true));
    socket.on('error', () => {});
    socket.on('close', () => (entry.closedAtMs = Date.now()));
    return entry;
  });
}

/** Sends one header byte every 200 ms: a slowloris client that is never idle. */
function slowloris(port: number): { closed: Promise<number> } {
  const startedAtMs = Date.now();
  const socket = connect(port, '127.0.0.1');
  const header = `GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${'X-Pad: y\r\n'.repeat(500)}`;
  let sent = 0;
  const timer = setInterval(() => {
    if (!socket.destroyed && sent < header.length) socket.write(header[sent++]!);
  }, 200);
  socket.on('error', () => {});
  const closed = once(socket, 'close').then(() => {
    clearInterval(timer);
    return Date.now() - startedAtMs;
  });
  return { closed };
}

function tcpStatus(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}` };
    const outgoing = request({ host: '127.0.0.1', port, path: '/v1/status', headers, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('a flood of idle connections', () => {
  it('is capped and timed out while supervision keeps descriptors to respawn a child', async () => {
    const dir = await makeTempDir();
    const port = await freePort();
    const socketPath = join(dir, 'tm.sock');
    const logFile = join(dir, 'taskmaster.log');
    await writeFile(join(dir, 'tm.yaml'), `
http: { listen: "127.0.0.1:${port}", username: admin, password: pw }
programs:
  web: { cmd: "sleep 1000", starttime: 0, autorestart: always }
`);
    // A small open-file limit, so that 2000 connections would exhaust it many times over.
    const taskmaster = spawn('prlimit', ['--nofile=256:256', '--', process.execPath, taskmasterBin, '-c', join(dir, 'tm.yaml'), '--no-shell', '-s', socketPath, '-l', logFile], { stdio: 'ignore' });
    const exited = once(taskmaster, 'exit');
    const sockets: FloodSocket[] = [];
    try {
      await waitFor(async () => (await answers(socketPath)) || taskmaster.exitCode !== null, 'taskmaster to listen');
      const log = (): Promise<string> => readFile(logFile, 'utf8');
      assert.match(await log(), /open-file limit 256, 128 kept for supervision; at most 64 connections per listener/);
      const firstPid = Number(/spawned: 'web' with pid (\d+)/.exec(await waitFor(async () => /spawned: 'web'/.test(await log()) && (await log()), 'web to spawn'))![1]);
      const openFds = (): number => readdirSync(`/proc/${taskmaster.pid}/fd`).length;
      const baselineFds = openFds();
      let peakFds = baselineFds;
      const sampleFds = (): void => {
        peakFds = Math.max(peakFds, openFds());
      };
      const loris = slowloris(port);
      const startedAtMs = Date.now();
      sockets.push(...flood(1000, { port }), ...flood(1000, { path: socketPath }));
      // Connections waiting in the kernel's backlog look connected too: wait until the server has sorted them all.
      const openCount = (): number => sockets.filter((entry) => entry.closedAtMs === null).length;
      await waitFor(() => {
        sampleFds();
        return sockets.every((entry) => entry.connected || entry.closedAtMs !== null) && openCount() <= 128;
      }, 'the server to refuse every connection beyond its caps', 20_000);
      // Refused at once, not freed later by the idle timeout (10 s).
      assert.ok(Date.now() - startedAtMs < 8_000, `the flood took ${Date.now() - startedAtMs} ms to settle`);
      const held = openCount();
      assert.ok(held > 0, `connections held open by the server: ${held}`);
      // While the flood holds its connections, a killed child is respawned (no EMFILE).
      process.kill(firstPid, 'SIGKILL');
      const respawned = await waitFor(async () => {
        sampleFds();
        const match = /spawned: 'web' with pid (\d+)\n(?![\s\S]*spawned: 'web')/.exec(await log());
        return match && Number(match[1]) !== firstPid ? Number(match[1]) : null;
      }, 'web to be respawned during the flood');
      assert.ok(respawned > 0);
      assert.ok(openCount() > 0, 'the flood still held its connections when the child was respawned');
      assert.ok(peakFds - baselineFds <= 128 + 8, `descriptors: ${baselineFds} before the flood, ${peakFds} at most during it`);
      // The server itself drops every idle connection, and the slowloris client, within the idle timeout.
      await waitFor(() => sockets.every((entry) => entry.closedAtMs !== null), 'the server to drop every idle connection', 40_000);
      const droppedLate = sockets.filter((entry) => entry.connected && entry.closedAtMs! - entry.openedAtMs >= 5_000).length;
      assert.ok(droppedLate >= held - 2, `${droppedLate} held connections were dropped by the idle timeout`);
      const lorisMs = await loris.closed;
      assert.ok(lorisMs < 30_000, `slowloris client dropped after ${lorisMs} ms`);
      const text = await log();
      assert.doesNotMatch(text, /EMFILE|FATAL|BACKOFF|spawn error/);
      assert.match(text, /WARN control API: connection limit reached on http:\/\/127\.0\.0\.1:\d+ \(64 in all, 64 per peer\)/);
      assert.match(text, /WARN control API: refused \d+ connections from local on \S+tm\.sock/);
      // Fresh clients get answers on both listeners once the flood is gone.
      const status = await ctl(socketPath, 'status');
      assert.equal(status.code, 0, status.stdout + status.stderr);
      assert.match(status.stdout, /web\s+RUNNING/);
      assert.equal(await tcpStatus(port), 200);
    } finally {
      for (const entry of sockets) entry.socket.destroy();
      if (taskmaster.exitCode === null) taskmaster.kill('SIGTERM');
      await exited;
    }
  });
});
