import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { launchBrowser } from '../browser.js';
import { freePort, password, username } from '../dashboard.js';
import { RunningTaskmaster } from '../helpers.js';

const programs = `programs:\n  web: { cmd: "sleep 1000", starttime: 0 }\n`;

async function withTaskmaster(run: (tm: RunningTaskmaster, port: number) => Promise<void>): Promise<void> {
  const port = await freePort();
  const tm = await RunningTaskmaster.start(`http: { listen: "127.0.0.1:${port}", username: ${username}, password: ${password} }\n${programs}`);
  try {
    await run(tm, port);
  } finally {
    await tm.stop();
  }
}

/** An attacker's page on another origin (another port of the same machine). */
async function foreignSite(html: (path: string) => string): Promise<{ server: Server; url: string }> {
  const server = createServer((incoming, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(html(incoming.url ?? '/'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe('who may open the web dashboard', () => {
  it('refuses the page and its files without credentials on a TCP listener that has them', async () => {
    await withTaskmaster(async (_tm, port) => {
      const browser = await launchBrowser();
      try {
        const anonymous = await browser.newContext();
        const page = await anonymous.newPage();
        // With no credentials to offer, Chromium ends the navigation on the 401 challenge.
        const navigation = await page.goto(`http://127.0.0.1:${port}/`).then((reply) => `status ${reply?.status()}`, (error: Error) => error.message);
        assert.match(navigation, /^status 401|ERR_INVALID_AUTH_CREDENTIALS/);
        assert.equal(await page.locator('[data-connection]').count(), 0);
        const challenge = await anonymous.request.get(`http://127.0.0.1:${port}/`);
        assert.equal(challenge.status(), 401);
        assert.match(challenge.headers()['www-authenticate'] ?? '', /^Basic realm="taskmaster"/);
        assert.doesNotMatch(await challenge.text(), /<script/);
        assert.equal((await anonymous.request.get(`http://127.0.0.1:${port}/assets/app.js`)).status(), 401);
        const wrong = await browser.newContext({ httpCredentials: { username, password: 'guess' } });
        const wrongNavigation = await (await wrong.newPage()).goto(`http://127.0.0.1:${port}/`).then((reply) => `status ${reply?.status()}`, (error: Error) => error.message);
        assert.match(wrongNavigation, /^status 401|ERR_INVALID_AUTH_CREDENTIALS/);
      } finally {
        await browser.close();
      }
    });
  });

  it('refuses a cross-site form POST from another page the logged-in user opens', async () => {
    await withTaskmaster(async (tm, port) => {
      const target = `http://127.0.0.1:${port}/v1/stop`;
      // A text/plain form can carry a JSON-looking body and is sent cross-site without a preflight.
      const attacker = await foreignSite((path) => path !== '/form' ? '<p>nothing here</p>' : `<form method="POST" action="${target}" enctype="text/plain"><input name='{"names":["all"],"x":"' value='"}'></form><script>document.forms[0].submit()</script>`);
      const browser = await launchBrowser();
      try {
        const context = await browser.newContext({ httpCredentials: { username, password } });
        const page = await context.newPage();
        // The user has the dashboard open (logged in) in the same browser.
        await page.goto(`http://127.0.0.1:${port}/`);
        await page.waitForSelector('[data-connection=live]');
        const evil = await context.newPage();
        const refused = evil.waitForResponse((response) => response.url() === target);
        await evil.goto(`${attacker.url}form`);
        const status = (await refused).status();
        assert.ok(status === 403 || status === 415, `the forged POST got ${status}`);
        // A script on another origin: its JSON POST needs a CORS preflight, which the API never grants.
        const script = await context.newPage();
        await script.goto(attacker.url.replace('127.0.0.1', 'localhost'));
        const fetchResult = await script.evaluate(async (url) => {
          try {
            const response = await fetch(url, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{"names":["all"]}' });
            return `status ${response.status}`;
          } catch (error) {
            return `blocked: ${(error as Error).message}`;
          }
        }, target);
        assert.match(fetchResult, /^blocked|^status 40[34]/);
        assert.equal((await tm.process('web')).state, 'RUNNING');
      } finally {
        await browser.close();
        await new Promise((resolve) => attacker.server.close(resolve));
      }
    });
  });

  it('serves the page through the UNIX socket too, with a strict content policy', async () => {
    await withTaskmaster(async (tm) => {
      const reply = await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const outgoing = request({ socketPath: tm.socket, path: '/' }, (response) => {
          let body = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
        });
        outgoing.on('error', reject);
        outgoing.end();
      });
      assert.equal(reply.status, 200);
      assert.match(reply.body, /<script type="module" src="assets\/app.js">/);
      assert.match(String(reply.headers['content-security-policy']), /default-src 'none'; script-src 'self'/);
      assert.match(String(reply.headers['content-security-policy']), /frame-ancestors 'none'/);
    });
  });
});
