import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from './browser.js';
import { RunningTaskmaster } from './helpers.js';

export const username = 'admin';
export const password = 'dash-secret';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A taskmaster with a TCP listener that needs credentials, and a browser that has them. */
export class Dashboard {
  private constructor(
    readonly tm: RunningTaskmaster,
    readonly port: number,
    readonly browser: TestBrowser,
    readonly context: BrowserContext,
    readonly page: Page,
    readonly pageErrors: string[],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  static async open(programs: string, options: { query?: string } = {}): Promise<Dashboard> {
    const port = await freePort();
    const tm = await RunningTaskmaster.start(`http: { listen: "127.0.0.1:${port}", username: ${username}, password: ${password} }\nprograms:\n${programs}`);
    let browser: TestBrowser | null = null;
    try {
      browser = await launchBrowser();
      const context = await browser.newContext({ httpCredentials: { username, password }, viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`http://127.0.0.1:${port}/${options.query ?? ''}`);
      await page.waitForSelector('[data-connection=live]', { timeout: 30_000 });
      return new Dashboard(tm, port, browser, context, page, pageErrors);
    } catch (error) {
      await browser?.close();
      await tm.stop();
      throw error;
    }
  }

  row(name: string) {
    return this.page.locator(`[role=row][data-name="${name}"]`);
  }

  async close(): Promise<void> {
    try {
      await this.browser.close();
    } finally {
      await this.tm.stop();
    }
  }
}

/** Sends one action straight over the socket, without starting a taskmasterctl process. */
export function postOverSocket(socket: string, path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ socketPath: socket, path, method: 'POST', headers: { 'content-type': 'application/json' } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.on('error', reject);
    outgoing.end(JSON.stringify(body));
  });
}

/**
 * Subscribes to the supervisor's event stream over the socket; `subscribed` settles with the
 * snapshot, `arrived` with the moment (Date.now()) an event says `name` entered `state`.
 */
export function watchForEvent(socket: string, name: string, state: string, signal: AbortSignal): { subscribed: Promise<void>; arrived: Promise<number> } {
  let onSnapshot: () => void = () => undefined;
  const subscribed = new Promise<void>((resolve) => (onSnapshot = resolve));
  const arrived = new Promise<number>((resolve, reject) => {
    const outgoing = request({ socketPath: socket, path: '/v1/events', signal }, (response) => {
      let buffered = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        const at = Date.now();
        buffered += chunk;
        const messages = buffered.split('\n\n');
        buffered = messages.pop() ?? '';
        for (const message of messages) {
          const data = /^data: (.*)$/m.exec(message)?.[1];
          if (!data) continue;
          const event = JSON.parse(data) as { type: string; process?: { name: string; state: string } };
          if (event.type === 'snapshot') onSnapshot();
          if (event.type === 'state' && event.process?.name === name && event.process.state === state) resolve(at);
        }
      });
      response.on('error', () => undefined);
    });
    outgoing.on('error', (error) => {
      if (!signal.aborted) reject(error);
    });
    outgoing.end();
  });
  return { subscribed, arrived };
}
