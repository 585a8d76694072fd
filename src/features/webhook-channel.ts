import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Alert } from './alert.js';
import type { AlertChannel } from './alert-delivery.js';

/** Tries per alert, waiting 0.5 s, 1 s, 2 s between them. */
export const webhookAttempts = 4;
const firstRetryMs = 500;
const requestTimeoutMs = 10_000;

/** The header that carries `sha256=<hex>`, the HMAC-SHA256 of the body under the `secret`. */
export const signatureHeader = 'x-taskmaster-signature';

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function post(url: string, body: string, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = (url.startsWith('https:') ? httpsRequest : httpRequest)(
      url,
      { method: 'POST', timeout: requestTimeoutMs, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new Error(`HTTP ${status}`));
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code ?? error.message)));
    request.end(body);
  });
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** A JSON POST of the alert, retried with backoff, signed when there is a secret. */
export class WebhookChannel implements AlertChannel {
  readonly name: string;

  constructor(
    private readonly url: string,
    private readonly secret: string | null,
  ) {
    this.name = `webhook ${url}`;
  }

  async send(alert: Alert): Promise<void> {
    const body = JSON.stringify(alert);
    const headers: Record<string, string> = { 'x-taskmaster-event': alert.event };
    if (this.secret !== null) headers[signatureHeader] = signBody(this.secret, body);
    let lastError = '';
    for (let attempt = 1; attempt <= webhookAttempts; attempt += 1) {
      try {
        await post(this.url, body, headers);
        return;
      } catch (error) {
        lastError = (error as Error).message;
        if (attempt < webhookAttempts) await delay(firstRetryMs * 2 ** (attempt - 1));
      }
    }
    throw new Error(`${lastError} after ${webhookAttempts} tries`);
  }
}
