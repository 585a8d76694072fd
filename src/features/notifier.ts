import { hostname } from 'node:os';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { NotifyEvent, ProgramConfig } from '../config/types.js';
import { runCommand } from './run-command.js';

export interface Notice {
  readonly process: string;
  readonly pid: number | null;
  readonly message: string;
}

export type NotifyLog = (level: 'warn' | 'info', message: string) => void;

const attempts = 4;
const requestTimeoutMs = 10_000;

function post(url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = (url.startsWith('https:') ? httpsRequest : httpRequest)(
      url,
      { method: 'POST', timeout: requestTimeoutMs, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
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

/** Tells someone when things go wrong: a webhook and/or a command, retried, never in supervision's way. */
export class Notifier {
  constructor(private readonly log: NotifyLog) {}

  notify(program: ProgramConfig, event: NotifyEvent, notice: Notice): void {
    const config = program.notify;
    if (!config || !config.events.includes(event)) return;
    const payload = { event, process: notice.process, group: program.name, pid: notice.pid, message: notice.message, time: new Date().toISOString(), host: hostname() };
    if (config.url) void this.deliver(config.url, JSON.stringify(payload), event, notice.process);
    if (config.cmd) {
      const env = {
        ...process.env,
        TASKMASTER_EVENT: event,
        TASKMASTER_PROCESS_NAME: notice.process,
        TASKMASTER_GROUP: program.name,
        TASKMASTER_PID: notice.pid === null ? '' : String(notice.pid),
        TASKMASTER_MESSAGE: notice.message,
      };
      void runCommand(config.cmd, { env, timeoutMs: 30_000 }).then((outcome) => {
        if (!outcome.ok) this.log('warn', `notify: command for ${event} of ${notice.process} failed (${outcome.summary})`);
      });
    }
  }

  private async deliver(url: string, body: string, event: NotifyEvent, processName: string): Promise<void> {
    let lastError = '';
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        await post(url, body);
        return;
      } catch (error) {
        lastError = (error as Error).message;
        if (attempt < attempts) await delay(500 * 2 ** (attempt - 1));
      }
    }
    this.log('warn', `notify: could not deliver ${event} of ${processName} to ${url} after ${attempts} attempts (${lastError})`);
  }
}
