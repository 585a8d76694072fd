import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ctl, makeTempDir, run, RunningTaskmaster, taskmasterBin, waitFor } from '../helpers.js';

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const closeServer = (server: Server | ReturnType<typeof createTcpServer>) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('health checks', () => {
  it('reports healthy, then restarts after retries failures of an HTTP check', async () => {
    let status = 200;
    const server = createServer((_request, response) => {
      response.writeHead(status);
      response.end();
    });
    const port = await listen(server);
    const tm = await RunningTaskmaster.start(`
programs:
  web:
    cmd: "sleep 100"
    starttime: 0
    healthcheck: { http: "http://127.0.0.1:${port}/health", interval: 200ms, timeout: 1s, retries: 2 }
`);
    try {
      const healthy = await waitFor(async () => {
        const entry = await tm.process('web');
        return entry.health === 'healthy' ? entry : undefined;
      }, 'healthy');
      assert.match(healthy.description, /healthy/);
      status = 500;
      await tm.waitForLog(/WARN health: web is unhealthy \(HTTP 500\)/);
      await tm.waitForLog(/restarting web: unhealthy \(HTTP 500\)/);
      const restarted = await tm.waitForRestart('web', healthy.pid);
      assert.ok(restarted.pid);
    } finally {
      await tm.stop();
      await closeServer(server);
    }
  });

  it('only reports an unhealthy process with on_unhealthy ignore, and times out a hung probe', async () => {
    const server = createServer(() => {});
    const port = await listen(server);
    const tm = await RunningTaskmaster.start(`
programs:
  web:
    cmd: "sleep 100"
    starttime: 0
    healthcheck: { http: "http://127.0.0.1:${port}/", interval: 100ms, timeout: 300ms, retries: 1, on_unhealthy: ignore }
`);
    try {
      const { pid } = await tm.waitForState('web', 'RUNNING');
      await tm.waitForLog(/health: web is unhealthy \(timed out after 0.3s\)/);
      const entry = await tm.process('web');
      assert.equal(entry.health, 'unhealthy');
      assert.equal(entry.pid, pid);
      assert.doesNotMatch(await tm.log(), /restarting web/);
    } finally {
      await tm.stop();
      server.closeAllConnections();
      await closeServer(server);
    }
  });

  it('checks by TCP connect and by command', async () => {
    const tcpServer = createTcpServer((socket) => socket.destroy());
    const port = await listen(tcpServer);
    const dir = await makeTempDir();
    const tm = await RunningTaskmaster.start(`
programs:
  tcp: { cmd: "sleep 100", starttime: 0, healthcheck: { tcp: "127.0.0.1:${port}", interval: 100ms } }
  file: { cmd: "sleep 100", starttime: 0, healthcheck: { cmd: "test -f ${dir}/ok", interval: 100ms, retries: 1, on_unhealthy: ignore } }
`);
    try {
      await waitFor(async () => (await tm.process('tcp')).health === 'healthy', 'tcp healthy');
      await waitFor(async () => (await tm.process('file')).health === 'unhealthy', 'file unhealthy');
      await writeFile(join(dir, 'ok'), '');
      await waitFor(async () => (await tm.process('file')).health === 'healthy', 'file healthy once the file exists');
    } finally {
      await tm.stop();
      await closeServer(tcpServer);
    }
  });

  it('waits for a ready check before RUNNING', async () => {
    const dir = await makeTempDir();
    const tm = await RunningTaskmaster.start(`
programs:
  server: { cmd: "sleep 100", starttime: 0, ready: { cmd: "test -f ${dir}/ready", interval: 100ms } }
`);
    try {
      const starting = await tm.waitForState('server', 'STARTING');
      await waitFor(async () => /waiting for ready check \(exit status 1\)/.test((await tm.process('server')).description), 'the ready detail in status');
      await writeFile(join(dir, 'ready'), '');
      const running = await tm.waitForState('server', 'RUNNING');
      assert.equal(running.pid, starting.pid);
      assert.match(await tm.log(), /success: server entered RUNNING state, its ready check passed/);
    } finally {
      await tm.stop();
    }
  });

  it('restarts a process whose heartbeat file goes stale', async () => {
    const dir = await makeTempDir();
    const beat = join(dir, 'beat');
    const tm = await RunningTaskmaster.start(`
programs:
  worker:
    cmd: "sh -c 'for i in 1 2 3 4 5; do touch ${beat}; sleep 0.1; done; exec sleep 100'"
    starttime: 0
    heartbeat: { file: ${beat}, timeout: 1s }
`);
    try {
      const { pid } = await tm.waitForState('worker', 'RUNNING');
      await tm.waitForLog(/heartbeat: worker has not touched .*beat for \ds, restarting it/, 10_000);
      await tm.waitForRestart('worker', pid);
    } finally {
      await tm.stop();
    }
  });
});

describe('dependencies', () => {
  it('starts what a program needs first and waits for each condition', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  db: { cmd: "sleep 100", starttime: 0, autostart: false, healthcheck: { cmd: "true", interval: 200ms } }
  migrate: { cmd: "sh -c 'sleep 0.3'", starttime: 0, autostart: false, autorestart: never }
  cache: { cmd: "sleep 100", starttime: 0, autostart: false }
  web:
    cmd: "sleep 100"
    starttime: 0
    depends_on: { db: healthy, migrate: completed_successfully, cache: started }
`);
    try {
      await tm.waitForState('web', 'RUNNING');
      const log = await tm.log();
      const at = (pattern: RegExp) => log.search(pattern);
      assert.ok(at(/health: db is healthy/) < at(/spawned: 'web'/));
      assert.ok(at(/exited: migrate \(exit status 0; expected\)/) < at(/spawned: 'web'/));
      assert.equal((await tm.process('cache')).state, 'RUNNING');
      tm.child.kill('SIGTERM');
      assert.equal(await tm.waitForExit(), 0);
      const final = await tm.log();
      assert.ok(final.search(/stopped: web/) < final.search(/stopped: db/), 'web stopped before db');
    } finally {
      await tm.stop();
    }
  });

  it('keeps a dependent waiting, and saying so, while its dependency is unhealthy', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  db: { cmd: "sleep 100", starttime: 0, autostart: false, healthcheck: { cmd: "false", interval: 100ms, retries: 1, on_unhealthy: ignore } }
  web: { cmd: "sleep 100", starttime: 0, depends_on: { db: healthy } }
`);
    try {
      await tm.waitForLog(/web is waiting for db to become healthy \(db: RUNNING, unhealthy\)/);
      const web = await tm.process('web');
      assert.equal(web.state, 'STOPPED');
      assert.equal(web.description, 'waiting for db to become healthy (db: RUNNING, unhealthy)');
      const start = await ctl(tm.socket, 'start', 'web');
      assert.equal(start.code, 1);
      assert.match(start.stdout, /web: ERROR \(not started yet: waiting for db to become healthy \(db: RUNNING, unhealthy\)\)/);
    } finally {
      await tm.stop();
    }
  });

  it('does not start a dependent that was stopped while it waited for its dependencies', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  db: { cmd: "sleep 100", starttime: 0, autostart: false, healthcheck: { cmd: "true", interval: 1500ms } }
  web: { cmd: "sleep 100", starttime: 0, autostart: false, depends_on: { db: healthy } }
`);
    try {
      const starting = ctl(tm.socket, 'start', 'web');
      await waitFor(async () => /^waiting for db to become healthy \(db: (STARTING|RUNNING)/.test((await tm.process('web')).description), 'web waiting for db');
      assert.equal((await ctl(tm.socket, 'stop', 'web')).code, 0);
      const start = await starting;
      assert.equal(start.code, 1);
      assert.match(start.stdout, /web: ERROR \(stopped while waiting for its dependencies\)/);
      // The stop answers at once; once db turns healthy, web must still stay stopped.
      await waitFor(async () => (await tm.process('db')).health === 'healthy', 'db healthy');
      assert.equal((await tm.process('web')).state, 'STOPPED');
    } finally {
      await tm.stop();
    }
  });

  it('rejects a dependency cycle, naming it', async () => {
    const dir = await makeTempDir();
    const file = join(dir, 'cycle.yaml');
    await writeFile(file, 'programs:\n  a: { cmd: "true", depends_on: [b] }\n  b: { cmd: "true", depends_on: [c] }\n  c: { cmd: "true", depends_on: [a] }\n  d: { cmd: "true", depends_on: [nope] }\n');
    const result = await run(process.execPath, [taskmasterBin, '-c', file, '--check']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /programs\.a\.depends_on: dependency cycle: a -> b -> c -> a/);
    assert.match(result.stderr, /cycle.yaml:5:\d+: programs\.d\.depends_on: depends on nope, which is not a program here/);
  });
});

describe('ports, hooks and alerts', () => {
  it('gives each process a free port as PORT and {port}, kept across restarts', async () => {
    const blocker = createTcpServer();
    const blocked = await listen(blocker);
    const tm = await RunningTaskmaster.start(`
programs:
  auto: { cmd: "sh -c 'echo port=$PORT arg={port}; exec sleep 100'", starttime: 0, port: auto, stdout: auto.out }
  ranged: { cmd: "sleep 100", starttime: 0, numprocs: 2, port: ${blocked}-${blocked + 2} }
  starved: { cmd: "sleep 100", starttime: 0, port: ${blocked}, startretries: 0 }
`);
    try {
      const auto = await tm.waitForState('auto', 'RUNNING');
      assert.ok(auto.port);
      assert.match(auto.description, new RegExp(`port ${auto.port}`));
      await waitFor(async () => (await readFile(join(tm.dir, 'auto.out'), 'utf8').catch(() => '')) === `port=${auto.port} arg=${auto.port}\n`, 'the port in env and argv');
      const ranged = await waitFor(async () => {
        const entries = (await tm.status()).filter((entry) => entry.group === 'ranged' && entry.state === 'RUNNING');
        return entries.length === 2 ? entries : undefined;
      }, 'both ranged processes');
      assert.deepEqual(ranged.map((entry) => entry.port).sort(), [blocked + 1, blocked + 2]);
      const starved = await tm.waitForState('starved', 'FATAL');
      assert.equal(starved.spawnError, `no free port in ${blocked}-${blocked}`);
      process.kill(auto.pid!, 'SIGKILL');
      const again = await tm.waitForRestart('auto', auto.pid);
      assert.equal(again.port, auto.port);
    } finally {
      await tm.stop();
      await closeServer(blocker);
    }
  });

  it('runs prestart before and poststop after, and a failing prestart fails the start', async () => {
    const dir = await makeTempDir();
    const tm = await RunningTaskmaster.start(`
programs:
  hooked:
    cmd: "sleep 100"
    starttime: 0
    prestart: "touch ${dir}/prestart-ran"
    poststop: { cmd: "touch ${dir}/poststop-ran", timeout: 5s }
  broken:
    cmd: "sleep 100"
    startretries: 0
    prestart: "sh -c 'echo migration exploded; exit 4'"
`);
    try {
      await tm.waitForState('hooked', 'RUNNING');
      assert.ok(await readFile(join(dir, 'prestart-ran')).then(() => true, () => false));
      const broken = await tm.waitForState('broken', 'FATAL');
      assert.equal(broken.spawnError, 'prestart failed (exit status 4): migration exploded');
      assert.equal((await ctl(tm.socket, 'stop', 'hooked')).code, 0);
      await waitFor(() => readFile(join(dir, 'poststop-ran')).then(() => true, () => false), 'poststop to run');
    } finally {
      await tm.stop();
    }
  });

  it('posts alerts to a webhook and runs an alert command, and logs an undeliverable one', async () => {
    const received: Record<string, unknown>[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push(JSON.parse(body));
        response.writeHead(204);
        response.end();
      });
    });
    const port = await listen(server);
    const dir = await makeTempDir();
    const tm = await RunningTaskmaster.start(`
programs:
  doomed:
    cmd: "sh -c 'exit 3'"
    startretries: 0
    notify: { on: [fatal], url: "http://127.0.0.1:${port}/hook", cmd: "sh -c 'echo $TASKMASTER_EVENT $TASKMASTER_PROCESS_NAME > ${dir}/alert'" }
  lost:
    cmd: "sh -c 'exit 3'"
    startretries: 0
    notify: { on: [fatal], url: "http://127.0.0.1:1/hook" }
`);
    try {
      await waitFor(() => received.length > 0, 'the webhook call');
      assert.equal(received[0]!['event'], 'fatal');
      assert.equal(received[0]!['process'], 'doomed');
      assert.match(String(received[0]!['message']), /doomed entered FATAL/);
      await waitFor(async () => (await readFile(join(dir, 'alert'), 'utf8').catch(() => '')) === 'fatal doomed\n', 'the alert command');
      await tm.waitForLog(/WARN notify: webhook http:\/\/127\.0\.0\.1:1\/hook failing \(ECONNREFUSED after 4 tries\): alerts are not delivered since /, 20_000);
      assert.equal((await ctl(tm.socket, 'version')).code, 0);
    } finally {
      await tm.stop();
      await closeServer(server);
    }
  });
});
