import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, run, RunningTaskmaster, taskmasterBin, freePort } from '../helpers.js';


/** The UNIX socket answers first and the TCP listener opens right after it: wait for the port, with a deadline. */
async function get(port: number, path: string, auth?: string): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await getOnce(port, path, auth);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function getOnce(port: number, path: string, auth?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, headers: auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {} }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('the optional TCP listener', () => {
  it('serves the same API on loopback without credentials', async () => {
    const port = await freePort();
    const tm = await RunningTaskmaster.start(`
http: { listen: ${port}, unsafe_no_auth: true }
programs:
  web: { cmd: "sleep 100", starttime: 0 }
`);
    try {
      const reply = await get(port, '/v1/status');
      assert.equal(reply.status, 200);
      assert.deepEqual(JSON.parse(reply.body).processes.map((process: { name: string }) => process.name), ['web']);
    } finally {
      await tm.stop();
    }
  });

  it('requires the username and password when they are set', async () => {
    const port = await freePort();
    const tm = await RunningTaskmaster.start(`
http: { listen: "127.0.0.1:${port}", username: admin, password: "s3cret:with:colons" }
programs: {}
`);
    try {
      const anonymous = await get(port, '/v1/version');
      assert.equal(anonymous.status, 401);
      assert.equal(JSON.parse(anonymous.body).code, 'E_UNAUTHORIZED');
      assert.equal((await get(port, '/v1/version', 'admin:wrong')).status, 401);
      assert.equal((await get(port, '/v1/version', 'root:s3cret:with:colons')).status, 401);
      const allowed = await get(port, '/v1/version', 'admin:s3cret:with:colons');
      assert.equal(allowed.status, 200);
      assert.match(JSON.parse(allowed.body).version, /^\d+\.\d+\.\d+$/);
    } finally {
      await tm.stop();
    }
  });

  it('refuses a listener beyond loopback without credentials', async () => {
    const dir = await makeTempDir();
    const file = join(dir, 'open.yaml');
    await writeFile(file, 'http:\n  listen: 0.0.0.0:9001\nprograms: {}\n');
    const result = await run(process.execPath, [taskmasterBin, '-c', file, '--check']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /open.yaml:2:11: http.listen: listening on 0.0.0.0, beyond this machine, needs a username and password/);
  });
});
