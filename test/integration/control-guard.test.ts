import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, chown, lchown, mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, run, RunningTaskmaster, taskmasterBin, waitFor, freePort } from '../helpers.js';


/** curl run as another local user: the attacker on the same machine. */
async function curlAs(user: string, args: string[]): Promise<{ status: number; body: string }> {
  const result = await run('runuser', ['-u', user, '--', 'curl', '-sS', '-o', '-', '-w', '\n%{http_code}', ...args]);
  assert.equal(result.code, 0, result.stderr);
  const split = result.stdout.lastIndexOf('\n');
  return { status: Number(result.stdout.slice(split + 1)), body: result.stdout.slice(0, split) };
}

function codeOf(reply: { body: string }): string {
  return (JSON.parse(reply.body) as { code: string }).code;
}

function get(port: number, path: string, auth: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Basic ${Buffer.from(auth).toString('base64')}` };
    const outgoing = request({ host: '127.0.0.1', port, path, headers, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('who may talk to the TCP listener', () => {
  const user = `tmt-ctl-${randomBytes(3).toString('hex')}`;
  before(async () => {
    const added = await run('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', user]);
    assert.equal(added.code, 0, added.stderr);
  });
  after(async () => {
    await run('userdel', [user]);
  });

  it('refuses another local user without credentials, a foreign Host, a foreign Origin and a non-JSON body', async () => {
    const port = await freePort();
    const tm = await RunningTaskmaster.start(`
http: { listen: "127.0.0.1:${port}", username: admin, password: "pw-${user}" }
programs:
  web: { cmd: "sleep 1000", starttime: 0 }
`);
    try {
      await tm.waitForState('web', 'RUNNING');
      const base = `http://127.0.0.1:${port}`;
      const stopAll = ['-X', 'POST', '-H', 'content-type: application/json', '-d', '{"names":["all"]}', `${base}/v1/stop`];
      const anonymous = await curlAs(user, stopAll);
      assert.equal(anonymous.status, 401);
      assert.equal(codeOf(anonymous), 'E_UNAUTHORIZED');
      const creds = ['-u', `admin:pw-${user}`];
      const rebound = await curlAs(user, [...creds, '-H', `Host: evil.example:${port}`, `${base}/v1/status`]);
      assert.equal(rebound.status, 403);
      assert.equal(codeOf(rebound), 'E_FORBIDDEN');
      const crossSite = await curlAs(user, [...creds, '-H', 'Origin: http://evil.example', ...stopAll]);
      assert.equal(crossSite.status, 403);
      const fetchMarked = await curlAs(user, [...creds, '-H', 'Sec-Fetch-Site: cross-site', ...stopAll]);
      assert.equal(fetchMarked.status, 403);
      const textPlain = await curlAs(user, [...creds, '-X', 'POST', '-H', 'content-type: text/plain', '-d', '{"names":["all"]}', `${base}/v1/stop`]);
      assert.equal(textPlain.status, 415);
      assert.equal(codeOf(textPlain), 'E_UNSUPPORTED_MEDIA_TYPE');
      assert.equal((await tm.process('web')).state, 'RUNNING', 'no refused request stopped anything');
      await tm.waitForLog(/WARN control API: refused a request from 127\.0\.0\.1 on http:\/\/127\.0\.0\.1:\d+ with a foreign Host or Origin/);
      // With the credentials, from its own origin, the same request goes through.
      const allowed = await curlAs(user, [...creds, '-H', `Origin: ${base}`, ...stopAll]);
      assert.equal(allowed.status, 200, allowed.body);
      assert.equal((await tm.process('web')).state, 'STOPPED');
    } finally {
      await tm.stop();
    }
  });

  it('lets anyone in only with unsafe_no_auth, and still checks Host and Origin', async () => {
    const port = await freePort();
    const tm = await RunningTaskmaster.start(`
http: { listen: ${port}, unsafe_no_auth: true, allowed_hosts: [tm.example] }
programs: {}
`);
    try {
      const base = `http://127.0.0.1:${port}`;
      assert.equal((await curlAs(user, [`${base}/v1/version`])).status, 200);
      assert.equal((await curlAs(user, ['-H', `Host: tm.example:${port}`, `${base}/v1/version`])).status, 200);
      assert.equal((await curlAs(user, ['-H', `Host: localhost:${port}`, `${base}/v1/version`])).status, 200);
      assert.equal((await curlAs(user, ['-H', `Host: evil.example:${port}`, `${base}/v1/version`])).status, 403);
      const reload = ['-X', 'POST', '-H', 'content-type: application/json', `${base}/v1/reload`];
      assert.equal((await curlAs(user, ['-H', 'Origin: http://evil.example', ...reload])).status, 403);
      assert.match(await tm.log(), /control API listening on http:\/\/127\.0\.0\.1:\d+ WITHOUT credentials \(unsafe_no_auth\)/);
    } finally {
      await tm.stop();
    }
  });

  it('slows down password guessing from one peer and logs the burst once with its count', async () => {
    const port = await freePort();
    const tm = await RunningTaskmaster.start(`
http: { listen: "127.0.0.1:${port}", username: admin, password: right }
programs: {}
`);
    try {
      const statuses: number[] = [];
      const deadline = Date.now() + 2_000;
      while (Date.now() < deadline) statuses.push(await get(port, '/v1/version', 'admin:wrong'));
      const unauthorized = statuses.filter((status) => status === 401).length;
      const throttled = statuses.filter((status) => status === 429).length;
      // 5 free failures, then 1 s, 2 s ... between tries: at most 7 guesses in 2 s, instead of thousands.
      assert.ok(unauthorized >= 5 && unauthorized <= 7, `401 answers: ${unauthorized}`);
      assert.equal(unauthorized + throttled, statuses.length);
      assert.equal(await get(port, '/v1/version', 'admin:right'), 429, 'even the right password waits out the delay');
      const text = await tm.waitForLog(/WARN control API: (\d+) failed authentication attempts from 127\.0\.0\.1 on http:\/\/127\.0\.0\.1:\d+ in [\d.]+ s/, 30_000);
      const counted = Number(/(\d+) failed authentication attempts/.exec(text)![1]);
      assert.equal(counted, statuses.length + 1);
      assert.equal(text.match(/authentication failed from 127\.0\.0\.1/g)?.length, 1, 'one line when the burst starts');
      // The delay runs out (at most 30 s): then the right password works again.
      await waitFor(async () => (await get(port, '/v1/version', 'admin:right')) === 200, 'the delay to run out for the right password', 40_000);
    } finally {
      await tm.stop();
    }
  });
});

describe('the folders above the control socket', () => {
  const user = `tmt-ctl-${randomBytes(3).toString('hex')}`;
  before(async () => {
    const added = await run('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', user]);
    assert.equal(added.code, 0, added.stderr);
  });
  after(async () => {
    await run('userdel', [user]);
  });

  async function startIn(dir: string, socket: string): Promise<{ code: number | null; stderr: string }> {
    await writeFile(join(dir, 'tm.yaml'), 'programs: {}\n');
    return run(process.execPath, [taskmasterBin, '-c', join(dir, 'tm.yaml'), '--no-shell', '-s', socket, '-l', join(dir, 'tm.log')], { timeoutMs: 30_000 });
  }

  it('refuses a private folder inside one that others can write to', async () => {
    const dir = await makeTempDir();
    const inner = join(dir, 'open', 'inner');
    await mkdir(inner, { recursive: true, mode: 0o700 });
    await chmod(join(dir, 'open'), 0o777);
    const result = await startIn(dir, join(inner, 'tm.sock'));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /folder above the socket, \S*\/open is writable by others \(mode 777\) without the sticky bit/);
    await assert.rejects(stat(join(inner, 'tm.sock')), { code: 'ENOENT' });
  });

  it('refuses a folder or a symlink owned by another user anywhere up the path', async () => {
    const dir = await makeTempDir();
    const theirs = join(dir, 'theirs');
    await mkdir(join(theirs, 'inner'), { recursive: true, mode: 0o700 });
    await chmod(theirs, 0o755);
    const { uid } = userInfoOf(await run('id', ['-u', user]));
    await chown(theirs, uid, uid);
    const result = await startIn(dir, join(theirs, 'inner', 'tm.sock'));
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`folder above the socket, \\S*/theirs belongs to another user \\(uid ${uid}\\)`));
    await mkdir(join(dir, 'mine'), { mode: 0o700 });
    await symlink(join(dir, 'mine'), join(dir, 'link'));
    await lchown(join(dir, 'link'), uid, uid);
    const viaLink = await startIn(dir, join(dir, 'link', 'tm.sock'));
    assert.equal(viaLink.code, 1);
    assert.match(viaLink.stderr, /symlink \S*\/link belongs to another user/);
  });
});

function userInfoOf(result: { stdout: string }): { uid: number } {
  return { uid: Number(result.stdout.trim()) };
}
