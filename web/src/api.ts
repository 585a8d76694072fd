import type { ActionResult, ReloadResult, ResourceSample } from './types.js';

/** An error reply of the control API ({code, message, details}) or a failed connection. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** What a person can do about each error code. */
const advice: Record<string, string> = {
  E_UNAUTHORIZED: 'The credentials were refused: reload the page to log in again.',
  E_FORBIDDEN: 'The supervisor refused this request as cross-site or from a foreign host name (see http.allowed_hosts).',
  E_NO_SUCH_PROCESS: 'That process or group is no longer configured; the list is up to date again once the reload event arrives.',
  E_SHUTTING_DOWN: 'The supervisor is shutting down and starts nothing more.',
  E_TOO_MANY_REQUESTS: 'Too many failed logins from this address: wait and try again.',
  E_BAD_SIGNAL: 'That signal name or number is not known.',
  E_NETWORK: 'The supervisor did not answer: is it still running?',
};

export function explain(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code}). ${advice[error.code] ?? ''}`.trim();
  return String((error as Error)?.message ?? error);
}

/** Relative to the page, so a dashboard behind a path prefix still finds its API. */
function url(path: string): string {
  return new URL(path, document.baseURI).href;
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    // JSON content type and same-origin fetch: exactly what the request guard's CSRF checks admit.
    response = await fetch(url(path), method === 'POST' ? { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}), credentials: 'same-origin' } : { credentials: 'same-origin' });
  } catch (error) {
    throw new ApiError('E_NETWORK', `cannot reach the supervisor: ${(error as Error).message}`, 0);
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const reply = (parsed ?? {}) as { code?: string; message?: string };
    throw new ApiError(reply.code ?? `HTTP_${response.status}`, reply.message ?? (text || response.statusText), response.status);
  }
  return parsed as T;
}

export type ActionName = 'start' | 'stop' | 'restart';

export async function runAction(action: ActionName, names: readonly string[]): Promise<ActionResult[]> {
  return (await request<{ results: ActionResult[] }>('POST', `v1/${action}`, { names })).results;
}

export async function sendSignal(signal: string, names: readonly string[]): Promise<ActionResult[]> {
  return (await request<{ results: ActionResult[] }>('POST', 'v1/signal', { signal, names })).results;
}

export const reread = (): Promise<ReloadResult> => request('GET', 'v1/reread');
export const reload = (): Promise<ReloadResult> => request('POST', 'v1/reload');
export const version = async (): Promise<string> => (await request<{ version: string }>('GET', 'v1/version')).version;

export async function history(name: string): Promise<{ startedAt: number; endedAt: number | null; result: string }[]> {
  const reply = await request<{ processes: { runs: { startedAt: number; endedAt: number | null; result: string }[] }[] }>('GET', `v1/history?name=${encodeURIComponent(name)}`);
  return reply.processes.flatMap((process) => process.runs);
}

/** The sampler's ring for one process, when the supervisor has one; null when the route is absent. */
export async function samples(name: string): Promise<ResourceSample[] | null> {
  try {
    const reply = await request<{ samples?: ResourceSample[]; processes?: { name: string; samples: ResourceSample[] }[] }>('GET', `v1/samples?name=${encodeURIComponent(name)}`);
    return reply.samples ?? reply.processes?.find((process) => process.name === name)?.samples ?? reply.processes?.[0]?.samples ?? [];
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) return null;
    throw error;
  }
}

export function tailUrl(name: string | null, stream: 'stdout' | 'stderr', lines: number): string {
  const query = new URLSearchParams({ lines: String(lines), follow: '1' });
  if (name !== null) {
    query.set('name', name);
    query.set('stream', stream);
  }
  return url(`v1/tail?${query}`);
}

export const eventsUrl = (): string => url('v1/events');
