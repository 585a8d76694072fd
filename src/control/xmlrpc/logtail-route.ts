import type { IncomingMessage, ServerResponse } from 'node:http';
import { TaskmasterError } from '../../contracts/errors.js';
import type { LogSource, SupervisorApi } from '../../contracts/supervisor-api.js';

/** What a tail -f shows first, as supervisord's tail_f_producer: the last KiB. */
export const logtailHeadBytes = 1024;

const headers = { 'content-type': 'text/plain;charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' };

/** The log a /logtail or /mainlogtail path names, or null when the path names none. */
export function logtailSource(rawUrl: string): LogSource | null {
  // The request line arrives as bytes: a UTF-8 name (sent unquoted by supervisorctl) is decoded as UTF-8.
  const path = Buffer.from(rawUrl.split('?')[0]!, 'latin1').toString('utf8');
  if (path === '/mainlogtail') return { kind: 'events' };
  if (!path.startsWith('/logtail/')) return null;
  let rest = path.slice('/logtail/'.length);
  try {
    rest = rest.includes('%') ? decodeURIComponent(rest) : rest;
  } catch {
    return null;
  }
  const slash = rest.indexOf('/');
  const name = slash === -1 ? rest : rest.slice(0, slash);
  const stream = slash === -1 ? 'stdout' : rest.slice(slash + 1);
  if (name === '' || (stream !== 'stdout' && stream !== 'stderr')) return null;
  return { kind: 'process', name, stream };
}

/** GET /logtail/NAME[/stderr] and /mainlogtail: the last KiB, then everything written after, until the client leaves. */
/** How http-routes streams a response (passed in, so this module loads only when a tail is asked for). */
export type StreamResponse = (request: IncomingMessage, response: ServerResponse, headers: Record<string, string>, run: (write: (text: string) => void, signal: AbortSignal) => Promise<void>) => Promise<void>;

export async function serveLogtail(api: SupervisorApi, source: LogSource, request: IncomingMessage, response: ServerResponse, stream: StreamResponse): Promise<void> {
  // Refused before the 200 goes out: an unknown process, or a stream that is not kept (supervisord answers 404).
  try {
    await api.tail(source, 0);
  } catch (error) {
    const what = source.kind === 'events' ? 'the main log' : `${source.name} ${source.stream}`;
    throw new TaskmasterError('E_NOT_FOUND', `no log to tail for ${what}: ${(error as Error).message}`);
  }
  await stream(request, response, headers, async (write, signal) => {
    // Subscribe before reading the head, so nothing written in between is lost.
    let pending: string[] | null = [];
    const following = api.follow(source, (text) => (pending ? pending.push(text) : write(text)), signal);
    try {
      write((await api.readLogRange(source, -logtailHeadBytes, logtailHeadBytes)).text);
    } catch {
      // No file yet (never started, or output to the terminal): only what comes from now on.
    }
    for (const text of pending) write(text);
    pending = null;
    await following;
  });
}
