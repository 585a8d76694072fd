import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { answers, ctl, fixtures, isAlive, makeTempDir, run, RunningTaskmaster, taskmasterBin, taskmasterctlBin, waitFor } from '../helpers.js';

interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** One HTTP request on the UNIX socket, on its own connection. */
function call(socketPath: string, method: string, path: string, body?: string | Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = method === 'GET' ? {} : { 'content-type': 'application/json' };
    const outgoing = request({ socketPath, method, path, agent: false, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? '', body: text }));
      response.on('error', reject);
    });
    // The server may answer (413) and close before a big body is fully sent.
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    outgoing.end(body);
  });
}

/** Opens a streaming GET and hands back the live response. */
function openStream(socketPath: string, path: string): Promise<{ outgoing: ClientRequest; response: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ socketPath, method: 'GET', path, agent: false }, (response) => resolve({ outgoing, response }));
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET') reject(error);
    });
    outgoing.end();
  });
}

function assertJsonError(reply: Reply, status: number, code: string): void {
  assert.equal(reply.status, status, reply.body);
  assert.match(reply.contentType, /^application\/json/);
  const parsed = JSON.parse(reply.body) as { code: string; message: string };
  assert.equal(parsed.code, code);
  assert.equal(typeof parsed.message, 'string');
  assert.ok(parsed.message.length > 0);
}

describe('the control socket file', () => {
  const folders: string[] = [];
  const tempDir = async (): Promise<string> => {
    const dir = await makeTempDir();
    folders.push(dir);
    return dir;
  };
  after(async () => {
    for (const dir of folders) await rm(dir, { recursive: true, force: true });
  });

  it('is created with mode 0600, in a new folder only its owner can enter', async () => {
    const dir = await tempDir();
    const socket = join(dir, 'private', 'nested', 'tm.sock');
    // The config exists before taskmaster starts: it must not race its own reading of it.
    await writeFile(join(dir, 'tm.yaml'), 'programs:\n  idle: { cmd: "sleep 1000", autostart: false }\n');
    const child = spawn(process.execPath, [taskmasterBin, '-c', join(dir, 'tm.yaml'), '--no-shell', '-s', socket, '-l', join(dir, 'tm.log')], { stdio: 'ignore' });
    const exited = once(child, 'exit');
    try {
      await waitFor(async () => (await answers(socket)) || child.exitCode !== null, 'the socket to answer');
      assert.equal(child.exitCode, null, 'taskmaster is running');
      const info = await stat(socket);
      assert.ok(info.isSocket());
      assert.equal(info.mode & 0o777, 0o600);
      assert.equal((await stat(join(dir, 'private'))).mode & 0o777, 0o700);
      assert.equal((await stat(join(dir, 'private', 'nested'))).mode & 0o777, 0o700);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('replaces a stale socket left by a server that was killed', async () => {
    const dir = await tempDir();
    const socket = join(dir, 'tm.sock');
    const squatter = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(socket)}, () => console.log('listening'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(squatter.stdout, 'data');
    squatter.kill('SIGKILL');
    await once(squatter, 'exit');
    assert.ok((await stat(socket)).isSocket(), 'the killed server left its socket file');
    await assert.rejects(
      new Promise((resolve, reject) => connect(socket).once('connect', resolve).once('error', reject)),
      { code: 'ECONNREFUSED' },
    );

    const tm = await RunningTaskmaster.start('programs:\n  idle: { cmd: "sleep 1000", starttime: 0 }\n', dir);
    try {
      assert.equal((await ctl(tm.socket, 'version')).code, 0);
      assert.equal((await stat(tm.socket)).mode & 0o777, 0o600);
      await tm.waitForState('idle', 'RUNNING');
    } finally {
      await tm.stop();
    }
  });

  it('makes a second taskmaster on a live socket refuse to start, with a clear message', async () => {
    const dir = await tempDir();
    const marker = join(dir, 'spawned.txt');
    const tm = await RunningTaskmaster.start(`programs:\n  marked: { cmd: "sh -c 'echo $$ >> ${marker}; exec sleep 1000'", starttime: 0 }\n`, dir);
    try {
      const { pid } = await tm.waitForState('marked', 'RUNNING');
      const second = await run(process.execPath, [taskmasterBin, '-c', tm.configFile, '--no-shell', '-s', tm.socket, '-l', join(dir, 'second.log')]);
      assert.equal(second.code, 1);
      assert.match(second.stderr, new RegExp(`another taskmaster is already running on socket ${tm.socket.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      // The refused one spawned nothing and left the first one's socket alone.
      assert.equal((await readFile(marker, 'utf8')).trim().split('\n').length, 1);
      assert.equal((await ctl(tm.socket, 'version')).code, 0);
      assert.equal((await tm.process('marked')).pid, pid);
    } finally {
      await tm.stop();
    }
  });

  it('is refused in a folder that others can write to', async () => {
    const dir = await tempDir();
    const open = join(dir, 'open');
    await mkdir(open);
    await chmod(open, 0o777);
    await writeFile(join(dir, 'tm.yaml'), 'programs:\n  idle: { cmd: "sleep 1000" }\n');
    const result = await run(process.execPath, [taskmasterBin, '-c', join(dir, 'tm.yaml'), '--no-shell', '-s', join(open, 'tm.sock'), '-l', join(dir, 'tm.log')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /socket folder .*open is writable by others \(mode 777\) without the sticky bit.*refusing to use it/);
    await assert.rejects(stat(join(open, 'tm.sock')), { code: 'ENOENT' });
    // The sticky bit (as on /tmp) stops others from replacing a file they do not own.
    await chmod(open, 0o1777);
    const child = spawn(process.execPath, [taskmasterBin, '-c', join(dir, 'tm.yaml'), '--no-shell', '-s', join(open, 'tm.sock'), '-l', join(dir, 'tm.log')], { stdio: 'ignore' });
    const exited = once(child, 'exit');
    try {
      await waitFor(async () => (await answers(join(open, 'tm.sock'))) || child.exitCode !== null, 'the socket in the sticky folder to answer');
      assert.equal(child.exitCode, null);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('is never replaced when the path holds a file that is not a socket', async () => {
    const dir = await tempDir();
    const path = join(dir, 'not-a-socket');
    await writeFile(path, 'precious\n');
    await writeFile(join(dir, 'tm.yaml'), 'programs:\n  idle: { cmd: "sleep 1000" }\n');
    const result = await run(process.execPath, [taskmasterBin, '-c', join(dir, 'tm.yaml'), '--no-shell', '-s', path, '-l', join(dir, 'tm.log')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /exists and is not a socket/);
    assert.equal(await readFile(path, 'utf8'), 'precious\n');
  });
});

describe('the control API over HTTP', () => {
  let tm: RunningTaskmaster;
  let sleeperPid: number;

  before(async () => {
    const dir = await makeTempDir();
    tm = await RunningTaskmaster.start(`
programs:
  sleeper: { cmd: "sleep 1000", starttime: 0 }
  chatty: { cmd: "sh -c 'while true; do echo chatter; sleep 0.05; done'", starttime: 0 }
  manual: { cmd: "sleep 1000", autostart: false, starttime: 0.2 }
  flood: { cmd: "${fixtures}/flood.sh", autostart: false, starttime: 0, stdout: "${join(dir, 'flood.out')}" }
`, dir);
    sleeperPid = (await tm.waitForState('sleeper', 'RUNNING')).pid!;
    await tm.waitForState('chatty', 'RUNNING');
  });

  after(async () => {
    await tm.stop();
  });

  const assertStillSupervising = async (): Promise<void> => {
    assert.equal(tm.child.exitCode, null, 'the supervisor is still running');
    const sleeper = await tm.process('sleeper');
    assert.equal(sleeper.state, 'RUNNING');
    assert.equal(sleeper.pid, sleeperPid);
    assert.doesNotMatch(await tm.log(), /internal error/);
  };

  it('answers malformed requests with a 4xx JSON {code, message} and keeps running', async () => {
    assertJsonError(await call(tm.socket, 'POST', '/v1/start', '{"names": ['), 400, 'E_BAD_REQUEST');
    assertJsonError(await call(tm.socket, 'POST', '/v1/start', '["sleeper"]'), 400, 'E_BAD_REQUEST');
    assertJsonError(await call(tm.socket, 'POST', '/v1/start', '{"names": []}'), 400, 'E_BAD_REQUEST');
    assertJsonError(await call(tm.socket, 'POST', '/v1/start', '{"names": [7]}'), 400, 'E_BAD_REQUEST');
    assertJsonError(await call(tm.socket, 'POST', '/v1/stdin', '{"name": "sleeper"}'), 400, 'E_BAD_REQUEST');
    assertJsonError(await call(tm.socket, 'GET', '/v1/tail?name=sleeper&lines=many'), 400, 'E_BAD_REQUEST');
    assertJsonError(await call(tm.socket, 'GET', '/v1/tail?name=sleeper&stream=stdin'), 400, 'E_BAD_REQUEST');
    await assertStillSupervising();
  });

  it('answers a body over 1 MiB with 413', async () => {
    const huge = Buffer.alloc(1024 * 1024 + 10, ' ');
    assertJsonError(await call(tm.socket, 'POST', '/v1/start', huge), 413, 'E_TOO_LARGE');
    // Exactly 1 MiB is still accepted as a body, and here it is blank JSON: a parse error.
    assertJsonError(await call(tm.socket, 'POST', '/v1/start', Buffer.alloc(1024 * 1024, ' ')), 400, 'E_BAD_REQUEST');
    await assertStillSupervising();
  });

  it('answers an unknown route, process or signal with a 4xx JSON error', async () => {
    assertJsonError(await call(tm.socket, 'GET', '/v1/nothing-here'), 404, 'E_NOT_FOUND');
    assertJsonError(await call(tm.socket, 'GET', '/v1/start'), 404, 'E_NOT_FOUND');
    assertJsonError(await call(tm.socket, 'DELETE', '/v1/status'), 404, 'E_NOT_FOUND');
    assertJsonError(await call(tm.socket, 'POST', '/v1/start', '{"names": ["ghost"]}'), 404, 'E_NO_SUCH_PROCESS');
    assertJsonError(await call(tm.socket, 'GET', '/v1/status?name=ghost'), 404, 'E_NO_SUCH_PROCESS');
    assertJsonError(await call(tm.socket, 'GET', '/v1/tail?name=ghost'), 404, 'E_NO_SUCH_PROCESS');
    assertJsonError(await call(tm.socket, 'GET', '/v1/tail?name=ghost&follow=1'), 404, 'E_NO_SUCH_PROCESS');
    assertJsonError(await call(tm.socket, 'POST', '/v1/stdin', '{"name": "ghost", "data": "x"}'), 404, 'E_NO_SUCH_PROCESS');
    assertJsonError(await call(tm.socket, 'POST', '/v1/signal', '{"signal": "SIGNOPE", "names": ["sleeper"]}'), 400, 'E_BAD_SIGNAL');
    assertJsonError(await call(tm.socket, 'POST', '/v1/signal', '{"names": ["sleeper"]}'), 400, 'E_BAD_REQUEST');
    await assertStillSupervising();
  });

  it('answers 50 clients at once', async () => {
    const replies = await Promise.all(Array.from({ length: 50 }, (_, index) => call(tm.socket, 'GET', index % 2 === 0 ? '/v1/status' : '/v1/tail?name=chatty&lines=5')));
    for (const reply of replies) assert.equal(reply.status, 200, reply.body);
    for (const reply of replies.filter((_, index) => index % 2 === 0)) {
      assert.equal((JSON.parse(reply.body) as { processes: unknown[] }).processes.length, 4);
    }
    const results = await Promise.all(Array.from({ length: 50 }, () => ctl(tm.socket, '--json', 'status', 'sleeper')));
    for (const result of results) {
      assert.equal(result.code, 0, result.stderr);
      assert.equal((JSON.parse(result.stdout) as { pid: number }[])[0]!.pid, sleeperPid);
    }
    await assertStillSupervising();
  });

  it('is not disturbed by clients that vanish in the middle of tail -f', async () => {
    for (let round = 0; round < 10; round += 1) {
      const { outgoing, response } = await openStream(tm.socket, '/v1/tail?name=chatty&follow=1&lines=0');
      assert.equal(response.statusCode, 200);
      if (round % 2 === 0) await once(response, 'data');
      outgoing.destroy();
    }
    // A real taskmasterctl killed hard while following.
    const follower = spawn(process.execPath, [taskmasterctlBin, '-s', tm.socket, 'tail', '-f', 'chatty'], { stdio: ['ignore', 'pipe', 'ignore'] });
    await once(follower.stdout, 'data');
    follower.kill('SIGKILL');
    await once(follower, 'exit');

    const chattyPid = (await tm.process('chatty')).pid;
    const { outgoing, response } = await openStream(tm.socket, '/v1/tail?name=chatty&follow=1&lines=0');
    try {
      let seen = '';
      response.setEncoding('utf8').on('data', (text: string) => (seen += text));
      await waitFor(() => (seen.match(/chatter\n/g) ?? []).length >= 3, 'a new follower to get fresh output');
    } finally {
      outgoing.destroy();
    }
    assert.equal((await tm.process('chatty')).pid, chattyPid);
    await assertStillSupervising();
  });

  it('drops a follower that stops reading instead of waiting for it', async () => {
    const { outgoing, response } = await openStream(tm.socket, '/v1/tail?name=flood&follow=1&lines=0');
    try {
      // Read nothing while the flood writes far more than the server may hold for one client.
      response.pause();
      assert.equal((await ctl(tm.socket, 'start', 'flood')).code, 0);
      const floodOut = join(tm.dir, 'flood.out');
      await waitFor(async () => (await stat(floodOut).catch(() => ({ size: 0 }))).size > 8 * 1024 * 1024, 'the flood to write 8 MiB', 60_000);
      await assertStillSupervising();
      let received = 0;
      let closed = false;
      response.on('data', (chunk: Buffer) => (received += chunk.length));
      response.once('close', () => (closed = true));
      response.on('error', () => undefined);
      response.resume();
      // Dropped, the stream ends once the little it had buffered is read; kept, it would flow on.
      await waitFor(() => closed, 'the server to have dropped the slow follower', 30_000);
      assert.ok(received < (await stat(floodOut)).size, `received ${received} bytes`);
    } finally {
      outgoing.destroy();
      await ctl(tm.socket, 'stop', 'flood');
    }
  });

  it('streams a snapshot, then state changes, as server-sent events', async () => {
    const { outgoing, response } = await openStream(tm.socket, '/v1/events');
    try {
      assert.equal(response.statusCode, 200);
      assert.match(response.headers['content-type'] ?? '', /^text\/event-stream/);
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      const events = (): { event: string; data: { type: string; processes?: { name: string }[]; process?: { name: string; state: string; pid: number | null }; previous?: string } }[] =>
        text
          .split('\n\n')
          .slice(0, -1)
          .map((block) => {
            const lines = block.split('\n');
            assert.equal(lines.length, 2, block);
            assert.match(lines[0]!, /^event: (snapshot|state|resources)$/);
            assert.match(lines[1]!, /^data: \{/);
            return { event: lines[0]!.slice(7), data: JSON.parse(lines[1]!.slice(6)) };
          });
      await waitFor(() => events().length >= 1, 'the snapshot');
      const [snapshot] = events();
      assert.equal(snapshot!.event, 'snapshot');
      assert.deepEqual(snapshot!.data.processes!.map((process) => process.name).sort(), ['chatty', 'flood', 'manual', 'sleeper']);

      assert.equal((await ctl(tm.socket, 'start', 'manual')).code, 0);
      assert.equal((await ctl(tm.socket, 'stop', 'manual')).code, 0);
      const transitions = await waitFor(() => {
        const seen = events().filter((event) => event.event === 'state' && event.data.process!.name === 'manual').map((event) => `${event.data.previous}>${event.data.process!.state}`);
        return seen.length >= 5 ? seen : undefined;
      }, 'five state events for manual');
      // STARTING is announced again once the process has its pid.
      assert.deepEqual(transitions, ['STOPPED>STARTING', 'STARTING>STARTING', 'STARTING>RUNNING', 'RUNNING>STOPPING', 'STOPPING>STOPPED']);
      const starting = events().filter((event) => event.event === 'state' && event.data.process!.name === 'manual').slice(0, 2);
      assert.equal(starting[0]!.data.process!.pid, null);
      assert.equal(typeof starting[1]!.data.process!.pid, 'number');
    } finally {
      outgoing.destroy();
    }
    await assertStillSupervising();
  });

  it('keeps a stopped process stopped and its pid gone after all this', async () => {
    const manual = await tm.process('manual');
    assert.equal(manual.state, 'STOPPED');
    assert.equal(manual.pid, null);
    assert.ok(isAlive(sleeperPid));
  });
});
