import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { LogSource, ProgramEntrySpec, SupervisorApi } from '../contracts/supervisor-api.js';
import { TaskmasterError, type ErrorCode } from '../contracts/errors.js';
import { formatMetrics, metricsContentType } from './format-metrics.js';
import { webAssetRoutes } from './web-assets.js';
import { pickStatusFields, statusFieldsFrom } from './status-fields.js';

export const maxBodyBytes = 1024 * 1024;

const statusByCode: Partial<Record<ErrorCode, number>> = {
  E_BAD_REQUEST: 400,
  E_BAD_SIGNAL: 400,
  E_CONFIG_INVALID: 400,
  E_UNAUTHORIZED: 401,
  E_FORBIDDEN: 403,
  E_NO_SUCH_PROCESS: 404,
  E_NOT_FOUND: 404,
  E_NOT_RUNNING: 409,
  E_NOT_A_TERMINAL: 409,
  E_ALREADY_ADDED: 409,
  E_STILL_RUNNING: 409,
  E_CONFLICT: 409,
  E_TOO_LARGE: 413,
  E_STDIN_FULL: 429,
  E_UNSUPPORTED_MEDIA_TYPE: 415,
  E_TOO_MANY_REQUESTS: 429,
  E_SHUTTING_DOWN: 503,
};

/** The HTTP status an error code is answered with. */
export function httpStatusOf(code: ErrorCode): number {
  return statusByCode[code] ?? 500;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export function sendError(response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const known = error instanceof TaskmasterError ? error : new TaskmasterError('E_INTERNAL', (error as Error)?.message ?? String(error));
  sendJson(response, statusByCode[known.code] ?? 500, { code: known.code, message: known.message, details: known.details ?? null });
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBodyBytes) throw new TaskmasterError('E_TOO_LARGE', `request body over ${maxBodyBytes} bytes`);
    chunks.push(chunk);
  }
  if (total === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new TaskmasterError('E_BAD_REQUEST', `Cannot parse request body as JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TaskmasterError('E_BAD_REQUEST', 'request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function namesFrom(body: Record<string, unknown>): string[] {
  const names = body['names'];
  if (!Array.isArray(names) || names.length === 0 || !names.every((name) => typeof name === 'string' && name !== '')) {
    throw new TaskmasterError('E_BAD_REQUEST', 'names must be a non-empty list of process names, groups or all');
  }
  return names as string[];
}

function programSpecFrom(body: Record<string, unknown>): ProgramEntrySpec {
  const { name, cmd, numprocs, autorestart, env, workingdir } = body;
  const isText = (value: unknown): value is string => typeof value === 'string';
  if (!isText(name) || name === '') throw new TaskmasterError('E_BAD_REQUEST', 'name is required');
  if (!Array.isArray(cmd) || cmd.length === 0 || !cmd.every(isText)) throw new TaskmasterError('E_BAD_REQUEST', 'cmd must be a non-empty list of words');
  if (numprocs !== undefined && typeof numprocs !== 'number') throw new TaskmasterError('E_BAD_REQUEST', 'numprocs must be a number');
  if (autorestart !== undefined && !isText(autorestart)) throw new TaskmasterError('E_BAD_REQUEST', 'autorestart must be a string');
  if (workingdir !== undefined && !isText(workingdir)) throw new TaskmasterError('E_BAD_REQUEST', 'workingdir must be a string');
  if (env !== undefined && (typeof env !== 'object' || env === null || Array.isArray(env) || !Object.values(env).every(isText))) throw new TaskmasterError('E_BAD_REQUEST', 'env must map names to strings');
  return {
    name,
    cmd,
    ...(numprocs !== undefined ? { numprocs } : {}),
    ...(autorestart !== undefined ? { autorestart } : {}),
    ...(env !== undefined ? { env: env as Record<string, string> } : {}),
    ...(workingdir !== undefined ? { workingdir } : {}),
  };
}

function sourceFrom(url: URL): LogSource {
  const name = url.searchParams.get('name');
  if (name === null) return { kind: 'events' };
  const stream = url.searchParams.get('stream') ?? 'stdout';
  if (stream !== 'stdout' && stream !== 'stderr') throw new TaskmasterError('E_BAD_REQUEST', 'stream must be stdout or stderr');
  return { kind: 'process', name, stream };
}

/** A streaming client that lets this much pile up unread is dropped, never waited for. */
const maxPendingBytes = 4 * 1024 * 1024;

/** Streams until the client leaves or falls too far behind. */
export async function stream(request: IncomingMessage, response: ServerResponse, contentType: string | Record<string, string>, run: (write: (text: string) => void, signal: AbortSignal) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  request.on('close', stop);
  response.on('close', stop);
  response.writeHead(200, typeof contentType === 'string' ? { 'content-type': contentType, 'cache-control': 'no-cache' } : contentType);
  response.flushHeaders();
  const write = (text: string): void => {
    if (controller.signal.aborted) return;
    if (response.writableLength > maxPendingBytes) {
      response.destroy();
      stop();
      return;
    }
    response.write(text);
  };
  try {
    await run(write, controller.signal);
  } finally {
    request.off('close', stop);
    if (!response.destroyed) response.end();
  }
}


type Handler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;

/** Made on first use: the XML-RPC modules load only for a supervisorctl, so start-up opens no extra file (nofile 64). */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | null = null;
  return () => (made ??= make());
}

const isLogtailPath = (url: string): boolean => url.startsWith('/logtail/') || url.split('?')[0] === '/mainlogtail';

/** Every route of the control API; see docs/api.md. */
export function createRoutes(api: SupervisorApi, onShutdownRequested: () => void): Map<string, Handler> {
  const json = (produce: (body: Record<string, unknown>, url: URL) => Promise<unknown>): Handler => async (request, response, url) => {
    const body = request.method === 'POST' ? await readBody(request) : {};
    sendJson(response, 200, await produce(body, url));
  };
  const rpc = once(async () => (await import('./xmlrpc/rpc-route.js')).createRpcRoute(api, onShutdownRequested));
  return new Map<string, Handler>([
    ...webAssetRoutes(),
    ['POST /RPC2', async (request, response) => (await rpc())(request, response)],
    ['GET /v1/version', json(async () => ({ version: await api.version(), identification: await api.identification() }))],
    ['GET /v1/history', json(async (_body, url) => {
      const name = url.searchParams.get('name');
      if (!name) throw new TaskmasterError('E_BAD_REQUEST', 'name is required');
      return { processes: await api.history(name) };
    })],
    ['GET /v1/samples', json(async (_body, url) => ({ processes: await api.samples(url.searchParams.getAll('name')) }))],
    ['GET /v1/metrics', json(async () => api.metrics())],
    ['GET /metrics', async (_request, response) => {
      const text = formatMetrics(await api.metrics());
      response.writeHead(200, { 'content-type': metricsContentType, 'content-length': Buffer.byteLength(text) });
      response.end(text);
    }],
    ['GET /v1/pid', json(async () => ({ pid: await api.pid() }))],
    ['GET /v1/status', json(async (_body, url) => {
      const fields = statusFieldsFrom(url.searchParams.getAll('fields'));
      return { processes: pickStatusFields(await api.status(url.searchParams.getAll('name')), fields) };
    })],
    ['GET /v1/avail', json(async () => ({ programs: await api.avail() }))],
    ['POST /v1/start', json(async (body) => ({ results: await api.start(namesFrom(body)) }))],
    ['POST /v1/stop', json(async (body) => ({ results: await api.stop(namesFrom(body)) }))],
    ['POST /v1/restart', json(async (body) => ({ results: await api.restart(namesFrom(body)) }))],
    ['POST /v1/signal', json(async (body) => {
      if (typeof body['signal'] !== 'string' && typeof body['signal'] !== 'number') throw new TaskmasterError('E_BAD_REQUEST', 'signal is required');
      return { results: await api.signal(String(body['signal']), namesFrom(body)) };
    })],
    ['POST /v1/reload', json(async () => api.reload())],
    ['GET /v1/reread', json(async () => api.reread())],
    ['POST /v1/add', json(async (body) => api.addProgram(programSpecFrom(body)))],
    ['POST /v1/remove', json(async (body) => {
      if (typeof body['name'] !== 'string' || body['name'] === '') throw new TaskmasterError('E_BAD_REQUEST', 'name is required');
      return api.removeProgram(body['name']);
    })],
    ['POST /v1/clear', json(async (body) => ({ results: await api.clear(namesFrom(body)[0]!) }))],
    ['POST /v1/clear-event-log', json(async () => {
      await api.clearEventLog();
      return { ok: true };
    })],
    ['GET /v1/log-range', json(async (_body, url) => {
      const [start, length] = ['start', 'length'].map((key) => Number(url.searchParams.get(key) ?? '0'));
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(length) || length! < 0) throw new TaskmasterError('E_BAD_REQUEST', 'start and length must be whole numbers, length not negative');
      return api.readLogRange(sourceFrom(url), start!, length!);
    })],
    ['POST /v1/stage', json(async () => api.stageConfig())],
    ['POST /v1/activate', json(async (body) => {
      await api.activateProgram(namesFrom(body)[0]!);
      return { ok: true };
    })],
    ['POST /v1/deactivate', json(async (body) => {
      await api.deactivateProgram(namesFrom(body)[0]!);
      return { ok: true };
    })],
    ['POST /v1/remote-event', json(async (body) => {
      if (typeof body['type'] !== 'string' || typeof body['data'] !== 'string') throw new TaskmasterError('E_BAD_REQUEST', 'type and data are required');
      await api.sendRemoteCommEvent(body['type'], body['data']);
      return { ok: true };
    })],
    ['POST /v1/stdin', json(async (body) => {
      if (typeof body['name'] !== 'string' || typeof body['data'] !== 'string') throw new TaskmasterError('E_BAD_REQUEST', 'name and data are required');
      await api.writeStdin(body['name'], body['data']);
      return { ok: true };
    })],
    ['POST /v1/shutdown', async (_request, response) => {
      sendJson(response, 200, { ok: true, message: 'shutting down' });
      onShutdownRequested();
    }],
    ['GET /v1/tail', async (request, response, url) => {
      const source = sourceFrom(url);
      const lines = Number(url.searchParams.get('lines') ?? '10');
      if (!Number.isInteger(lines) || lines < 0) throw new TaskmasterError('E_BAD_REQUEST', 'lines must be a whole number');
      const bytesParam = url.searchParams.get('bytes');
      const bytes = bytesParam === null ? undefined : Number(bytesParam);
      if (bytes !== undefined && (!Number.isInteger(bytes) || bytes < 0)) throw new TaskmasterError('E_BAD_REQUEST', 'bytes must be a whole number');
      const text = bytes === undefined ? await api.tail(source, lines) : await api.tail(source, lines, bytes);
      if (url.searchParams.get('follow') !== '1') {
        response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(text);
        return;
      }
      await stream(request, response, 'text/plain; charset=utf-8', async (write, signal) => {
        write(text);
        await api.follow(source, write, signal);
      });
    }],
    ['GET /v1/events', async (request, response, url) => {
      // A page or a `top` watching wants CPU and memory; resources=0 opts out (a progress line).
      const resources = url.searchParams.get('resources') !== '0';
      await stream(request, response, 'text/event-stream', (write, signal) =>
        api.watchEvents((event) => write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`), signal, { resources }));
    }],
  ]);
}

async function serveLogtailPath(api: SupervisorApi, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { logtailSource, serveLogtail } = await import('./xmlrpc/logtail-route.js');
  const source = logtailSource(request.url ?? '/');
  if (!source) throw new TaskmasterError('E_NOT_FOUND', `no route GET ${request.url}`);
  await serveLogtail(api, source, request, response, stream);
}

/** The whole API as one request listener: what the servers listen with, and what a test calls in-process. */
export function createApiHandler(api: SupervisorApi, onShutdownRequested: () => void): RequestListener {
  const routes = createRoutes(api, onShutdownRequested);
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const handler = routes.get(`${request.method} ${url.pathname}`);
    // supervisord's tail routes carry the process name in the path.
    if (request.method === 'GET' && !handler && isLogtailPath(request.url ?? '/')) {
      serveLogtailPath(api, request, response).catch((error: unknown) => sendError(response, error));
      return;
    }
    if (!handler) {
      sendError(response, new TaskmasterError('E_NOT_FOUND', `no route ${request.method} ${url.pathname}`));
      return;
    }
    handler(request, response, url).catch((error: unknown) => sendError(response, error));
  };
}
