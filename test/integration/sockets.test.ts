import assert from 'node:assert/strict';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApiClient } from '../../src/control/api-client.js';
import { fixtures, freePort, isAlive, makeTempDir, run, RunningTaskmaster, tailOf, taskmasterBin, waitFor } from '../helpers.js';

const server = `${process.execPath} ${join(fixtures, 'socket-server.mjs')}`;
const restarts = 20;
const clients = 4;

/** One HTTP GET on a fresh connection; the error code, or null when it was answered. */
function get(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const call = request({ host: '127.0.0.1', port, agent: false, timeout: 10_000 }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode === 200 ? null : `HTTP ${response.statusCode}`));
      response.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    call.on('timeout', () => call.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    call.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    call.end();
  });
}

/** Clients that keep connecting while `restart` runs 20 times; what they saw. */
async function errorsThroughRestarts(tm: RunningTaskmaster, port: number): Promise<{ requests: number; errors: Map<string, number> }> {
  const api = new ApiClient(tm.socket);
  const errors = new Map<string, number>();
  let requests = 0;
  let running = true;
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      const error = await get(port);
      requests += 1;
      if (error !== null) errors.set(error, (errors.get(error) ?? 0) + 1);
    }
  });
  try {
    for (let round = 0; round < restarts; round += 1) {
      const [result] = await api.restart(['web']);
      assert.equal(result?.ok, true, `restart ${round}: ${result?.message}`);
    }
  } finally {
    running = false;
    await Promise.all(loops);
  }
  return { requests, errors };
}

const describeErrors = (errors: Map<string, number>): string => [...errors].map(([code, count]) => `${code} x${count}`).join(', ') || 'none';
const total = (errors: Map<string, number>): number => [...errors.values()].reduce((sum, count) => sum + count, 0);

describe('sockets (socket activation)', () => {
  it('keeps the socket open through 20 restarts: zero connection errors, where the same server binding its port itself gets refused', async () => {
    const activatedPort = await freePort();
    const selfPort = await freePort();
    const activated = await RunningTaskmaster.start(`
programs:
  web:
    cmd: "${server}"
    starttime: 0
    sockets: [{ listen: "127.0.0.1:${activatedPort}", name: http }]
    ready: { http: "http://127.0.0.1:${activatedPort}/", interval: 100ms }
`);
    let ours: Awaited<ReturnType<typeof errorsThroughRestarts>>;
    try {
      await activated.waitForState('web', 'RUNNING');
      ours = await errorsThroughRestarts(activated, activatedPort);
    } finally {
      await activated.stop();
    }
    // The same program binding its port itself; both have a ready check, so that each restart returns only once it serves again.
    const selfBound = await RunningTaskmaster.start(`
programs:
  web: { cmd: "${server} --self ${selfPort}", starttime: 0, ready: { http: "http://127.0.0.1:${selfPort}/", interval: 100ms } }
`);
    let theirs: Awaited<ReturnType<typeof errorsThroughRestarts>>;
    try {
      await selfBound.waitForState('web', 'RUNNING');
      theirs = await errorsThroughRestarts(selfBound, selfPort);
    } finally {
      await selfBound.stop();
    }
    console.log(`zero-downtime over ${restarts} restarts, ${clients} clients: sockets: ${total(ours.errors)} errors in ${ours.requests} requests (${describeErrors(ours.errors)}); self-bound: ${total(theirs.errors)} errors in ${theirs.requests} requests (${describeErrors(theirs.errors)})`);
    assert.equal(total(ours.errors), 0, describeErrors(ours.errors));
    // The baseline shows that the clients do catch a restart's gap when there is one.
    assert.ok(total(theirs.errors) > 0, 'the self-bound server saw no connection error: the clients missed every restart');
  });

  it('gives the child fds 3, 4 with LISTEN_FDS, LISTEN_FDNAMES and its own pid as LISTEN_PID, and no socket to the other programs', async () => {
    const dir = await makeTempDir();
    const port = await freePort();
    const unixPath = join(dir, 'api.sock');
    const tm = await RunningTaskmaster.start(`
programs:
  web:
    cmd: "sh -c 'echo pid=$$ LISTEN_PID=$LISTEN_PID LISTEN_FDS=$LISTEN_FDS LISTEN_FDNAMES=$LISTEN_FDNAMES; exec sleep 100'"
    starttime: 0
    sockets: [{ listen: "127.0.0.1:${port}", name: http }, "${unixPath}"]
  # Started once web runs, so the sockets are open when it is spawned.
  plain: { cmd: "sh -c 'echo LISTEN_FDS=[$LISTEN_FDS] LISTEN_PID=[$LISTEN_PID]; exec sleep 100'", starttime: 0, depends_on: [web] }
`, dir, { ...process.env, LISTEN_FDS: '1', LISTEN_PID: String(process.pid), LISTEN_FDNAMES: 'inherited' });
    try {
      const web = await tm.waitForState('web', 'RUNNING');
      const plain = await tm.waitForState('plain', 'RUNNING');
      const line = await waitFor(async () => (await tailOf(tm.socket, 'web')).trim(), 'web to print its environment');
      assert.equal(line, `pid=${web.pid} LISTEN_PID=${web.pid} LISTEN_FDS=2 LISTEN_FDNAMES=http:web`);
      const socketLinks = [3, 4].map((fd) => readlinkSync(`/proc/${web.pid}/fd/${fd}`));
      for (const link of socketLinks) assert.match(link, /^socket:\[\d+\]$/);
      assert.ok(!existsSync(`/proc/${web.pid}/fd/5`), 'web got more than its two sockets');
      // Taskmaster's own LISTEN_* (as if systemd activated it) are not handed down, and its sockets are CLOEXEC.
      await waitFor(async () => (await tailOf(tm.socket, 'plain')).includes('LISTEN_FDS=[] LISTEN_PID=[]'), 'plain to print no LISTEN_*');
      const plainLinks = readdirSync(`/proc/${plain.pid}/fd`).map((fd) => readlinkSync(`/proc/${plain.pid}/fd/${fd}`));
      for (const link of socketLinks) assert.ok(!plainLinks.includes(link), `plain inherited web's ${link}`);
      assert.ok(existsSync(unixPath), 'the UNIX socket is bound');
    } finally {
      await tm.stop();
    }
    assert.ok(!existsSync(unixPath), 'the UNIX socket file is removed at shutdown');
  });

  it('queues connections while the program is stopped, keeps the socket through a reload that keeps it, and closes it when a reload removes the program', async () => {
    const dir = await makeTempDir();
    const port = await freePort();
    const unixPath = join(dir, 'web.sock');
    const config = (cmdExtra: string): string => `
programs:
  web: { cmd: "${server}${cmdExtra}", starttime: 0, sockets: ["127.0.0.1:${port}", "${unixPath}"] }
`;
    const tm = await RunningTaskmaster.start(config(''), dir);
    try {
      await tm.waitForState('web', 'RUNNING');
      const api = new ApiClient(tm.socket);
      await api.stop(['web']);
      // Nobody accepts, yet the kernel completes the handshake into the backlog: no refusal.
      const pending = get(port);
      await api.start(['web']);
      assert.equal(await pending, null);
      // A changed cmd restarts the program; its socket stays the same one.
      await tm.rewriteConfig(config(' --changed'));
      const changed = await api.reload();
      assert.equal(changed.ok, true, changed.errors.join('\n'));
      assert.equal(await get(port), null);
      await tm.rewriteConfig('programs:\n  other: { cmd: "sleep 100" }\n');
      const removed = await api.reload();
      assert.equal(removed.ok, true, removed.errors.join('\n'));
      await tm.waitForLog(/closed socket 127\.0\.0\.1:\d+/);
      assert.equal(await get(port), 'ECONNREFUSED');
      assert.ok(!existsSync(unixPath), 'the UNIX socket file is removed with its program');
      await new Promise<void>((resolve, reject) => connect(unixPath).on('connect', () => reject(new Error('connected'))).on('error', () => resolve()));
    } finally {
      await tm.stop();
    }
  });

  it('fails the start with the address and the reason when the port is taken, and FATAL after its retries', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    const tm = await RunningTaskmaster.start(`
programs:
  web: { cmd: "sleep 100", startretries: 1, sockets: ["127.0.0.1:${port}"] }
`);
    try {
      const entry = await tm.waitForState('web', 'FATAL', 30_000);
      assert.match(entry.description, new RegExp(`couldn't listen on 127\\.0\\.0\\.1:${port}: bind/listen: Address already in use`));
      assert.equal(entry.pid, null);
    } finally {
      await tm.stop();
      holder.close();
    }
    assert.ok(isAlive(process.pid));
  });

  it('exports as .socket units, one per fd name, that systemd-analyze verify accepts', async () => {
    const dir = await makeTempDir();
    await writeFile(join(dir, 'taskmaster.yaml'), `
programs:
  web: { cmd: "/usr/bin/node server.js", sockets: [{ listen: "127.0.0.1:8080", name: http }, { listen: "[::1]:8080", name: http }, "/run/web api.sock"] }
  many: { cmd: "/usr/bin/node many.js", numprocs: 2, sockets: ["127.0.0.1:9191"] }
`);
    const out = join(dir, 'out');
    const exported = await run(process.execPath, [taskmasterBin, 'export', 'systemd', join(dir, 'taskmaster.yaml'), '--out', out]);
    assert.equal(exported.code, 0, exported.stderr);
    const files = readdirSync(out).sort();
    assert.deepEqual(files, ['many_00.service', 'many_01.service', 'web-http.socket', 'web-web.socket', 'web.service']);
    const verify = await run('systemd-analyze', ['verify', ...files.map((file) => join(out, file))], { timeoutMs: 60_000 });
    assert.equal(verify.code, 0, verify.stderr);
    assert.equal(verify.stderr.trim(), '', 'systemd-analyze verify complained');
    const http = await readFile(join(out, 'web-http.socket'), 'utf8');
    for (const line of ['ListenStream=127.0.0.1:8080', 'ListenStream=[::1]:8080', 'FileDescriptorName=http', 'Backlog=4096', 'Service=web.service']) assert.ok(http.split('\n').includes(line), `web-http.socket lacks ${line}`);
    assert.match(await readFile(join(out, 'web.service'), 'utf8'), /^Sockets=web-http\.socket web-web\.socket$/m);
    assert.match(await readFile(join(out, 'many_00.service'), 'utf8'), /^# sockets 127\.0\.0\.1:9191: a systemd socket activates one service/m);
  });
});
