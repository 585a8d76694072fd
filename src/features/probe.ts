import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { Probe } from '../config/types.js';
import { runCommand } from './run-command.js';

export interface ProbeResult {
  readonly ok: boolean;
  readonly detail: string;
}

export interface ProbeContext {
  readonly timeoutMs: number;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string | undefined;
  readonly port: number | null;
  /** The program's `user:`, for cmd probes. */
  readonly user?: string | null | undefined;
}

/** Puts the process's port in place of `{port}`; with no port, nothing, as an unset `$PORT` would. */
export function withPort(text: string, port: number | null): string {
  return text.replaceAll('{port}', port === null ? '' : String(port));
}

function probeHttp(url: string, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const request = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, { method: 'GET', timeout: timeoutMs }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      resolve({ ok: status >= 200 && status < 400, detail: `HTTP ${status}` });
    });
    request.on('timeout', () => request.destroy(new Error(`timed out after ${timeoutMs / 1000}s`)));
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, detail: error.code ?? error.message }));
    request.end();
  });
}

function probeTcp(address: string, timeoutMs: number): Promise<ProbeResult> {
  const separator = address.lastIndexOf(':');
  const host = address.slice(0, separator).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(separator + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, detail: `timed out after ${timeoutMs / 1000}s` });
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok: true, detail: `connected to ${address}` });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, detail: error.code ?? error.message });
    });
  });
}

/** Runs one health or ready check; never throws. */
export async function runProbe(probe: Probe, context: ProbeContext): Promise<ProbeResult> {
  switch (probe.kind) {
    case 'http':
      return probeHttp(withPort(probe.url, context.port), context.timeoutMs);
    case 'tcp':
      return probeTcp(withPort(probe.address, context.port), context.timeoutMs);
    case 'cmd': {
      const outcome = await runCommand(withPort(probe.cmd, context.port), context);
      return { ok: outcome.ok, detail: outcome.ok ? outcome.summary : `${outcome.summary}${outcome.output ? `: ${outcome.output.trim().split('\n').at(-1)}` : ''}` };
    }
  }
}
