import type { IncomingMessage } from 'node:http';
import type { SupervisorEvent, WatchOptions } from '../contracts/process-events.js';
import type { ActionResult, LogRange, ProcessHistory, LogSource, ProcessInfo, ProgramChangeResult, ProgramEntrySpec, ProgramSummary, ReloadResult, SupervisorApi } from '../contracts/supervisor-api.js';
import { TaskmasterError, type ErrorCode } from '../contracts/errors.js';
import type { MetricsSnapshot, ProcessSamples } from '../contracts/resource-types.js';
import type { TerminalAttachment, TerminalSize, TerminalViewer } from '../contracts/terminal-attach.js';
import { ReplyCutShort, requestOnce, type SocketResponse } from './socket-request.js';

interface Call {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

/** The control API over a UNIX socket: the same interface the supervisor implements in-process. */
export class ApiClient implements SupervisorApi {
  constructor(readonly socketPath: string) {}

  private noSupervisor(error: NodeJS.ErrnoException): TaskmasterError {
    return new TaskmasterError('E_NO_SUPERVISOR', `no supervisor answers on ${this.socketPath} (${error.code ?? error.message}): start one with taskmaster -c FILE, or pass -s SOCKET (or -c FILE) to reach another`);
  }

  private cutShort(error: Error): TaskmasterError {
    // The supervisor went away in the middle of its answer (it was killed, or shut down).
    return new TaskmasterError('E_NO_SUPERVISOR', `the supervisor on ${this.socketPath} stopped answering mid-reply (${error.message})`);
  }

  /** A stream (tail -f, events): node:http, loaded only for it. */
  private async open(call: Call): Promise<IncomingMessage> {
    const { request: httpRequest } = await import('node:http');
    return new Promise((resolve, reject) => {
      const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
      const request = httpRequest(
        {
          socketPath: this.socketPath,
          path: call.path,
          method: call.method,
          // Every POST says JSON, even an empty one: the server refuses any other (CSRF defence).
          headers: call.method === 'GET' ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload ?? '') },
          ...(call.signal ? { signal: call.signal } : {}),
        },
        resolve,
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (error.name === 'AbortError') return reject(error);
        reject(this.noSupervisor(error));
      });
      request.end(payload);
    });
  }

  private async call<T>(call: Omit<Call, 'signal'>): Promise<T> {
    let response: SocketResponse;
    try {
      response = await requestOnce(this.socketPath, call.method, call.path, call.body === undefined ? undefined : JSON.stringify(call.body));
    } catch (error) {
      throw error instanceof ReplyCutShort ? this.cutShort(error) : this.noSupervisor(error as NodeJS.ErrnoException);
    }
    const text = response.body.toString('utf8');
    const isJson = (response.headers.get('content-type') ?? '').startsWith('application/json');
    const body: unknown = isJson ? JSON.parse(text) : text;
    if (response.status >= 400) {
      const error = body as { code?: ErrorCode; message?: string; details?: unknown };
      throw new TaskmasterError(error.code ?? 'E_INTERNAL', error.message ?? text, error.details);
    }
    return body as T;
  }

  private async streamLines(call: Call, onText: (text: string) => void): Promise<void> {
    try {
      const response = await this.open(call);
      if ((response.statusCode ?? 500) >= 400) {
        const chunks: Buffer[] = [];
        for await (const chunk of response as AsyncIterable<Buffer>) chunks.push(chunk);
        const error = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { code: ErrorCode; message: string };
        throw new TaskmasterError(error.code, error.message);
      }
      response.setEncoding('utf8');
      for await (const chunk of response as AsyncIterable<string>) onText(chunk);
    } catch (error) {
      if (call.signal?.aborted) return;
      throw error;
    }
  }

  status(names?: readonly string[]): Promise<ProcessInfo[]>;
  status<Field extends keyof ProcessInfo>(names: readonly string[], fields: readonly Field[]): Promise<Pick<ProcessInfo, Field>[]>;
  async status(names: readonly string[] = [], fields: readonly (keyof ProcessInfo)[] = []): Promise<ProcessInfo[]> {
    const query = [...names.map((name) => `name=${encodeURIComponent(name)}`), ...(fields.length > 0 ? [`fields=${fields.join(',')}`] : [])].join('&');
    return (await this.call<{ processes: ProcessInfo[] }>({ method: 'GET', path: `/v1/status${query ? `?${query}` : ''}` })).processes;
  }

  private async act(action: string, body: Record<string, unknown>): Promise<ActionResult[]> {
    return (await this.call<{ results: ActionResult[] }>({ method: 'POST', path: `/v1/${action}`, body })).results;
  }

  start(names: readonly string[]): Promise<ActionResult[]> {
    return this.act('start', { names });
  }

  stop(names: readonly string[]): Promise<ActionResult[]> {
    return this.act('stop', { names });
  }

  restart(names: readonly string[]): Promise<ActionResult[]> {
    return this.act('restart', { names });
  }

  signal(signal: string, names: readonly string[]): Promise<ActionResult[]> {
    return this.act('signal', { signal, names });
  }

  clear(name: string): Promise<ActionResult[]> {
    return this.act('clear', { names: [name] });
  }

  reload(): Promise<ReloadResult> {
    return this.call({ method: 'POST', path: '/v1/reload' });
  }

  reread(): Promise<ReloadResult> {
    return this.call({ method: 'GET', path: '/v1/reread' });
  }

  addProgram(spec: ProgramEntrySpec): Promise<ProgramChangeResult> {
    return this.call({ method: 'POST', path: '/v1/add', body: spec });
  }

  removeProgram(name: string): Promise<ProgramChangeResult> {
    return this.call({ method: 'POST', path: '/v1/remove', body: { name } });
  }

  async avail(): Promise<ProgramSummary[]> {
    return (await this.call<{ programs: ProgramSummary[] }>({ method: 'GET', path: '/v1/avail' })).programs;
  }

  /** Resolves once the supervisor has stopped answering, as the in-process shutdown resolves once all is stopped. */
  async shutdown(): Promise<void> {
    await this.call({ method: 'POST', path: '/v1/shutdown' });
    const isAnswering = (): Promise<boolean> => this.version().then(() => true, () => false);
    while (await isAnswering()) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  async version(): Promise<string> {
    return (await this.call<{ version: string }>({ method: 'GET', path: '/v1/version' })).version;
  }

  async history(name: string): Promise<ProcessHistory[]> {
    return (await this.call<{ processes: ProcessHistory[] }>({ method: 'GET', path: `/v1/history?name=${encodeURIComponent(name)}` })).processes;
  }

  async identification(): Promise<string> {
    return (await this.call<{ identification: string }>({ method: 'GET', path: '/v1/version' })).identification;
  }

  async clearEventLog(): Promise<void> {
    await this.call({ method: 'POST', path: '/v1/clear-event-log' });
  }

  async pid(): Promise<number> {
    return (await this.call<{ pid: number }>({ method: 'GET', path: '/v1/pid' })).pid;
  }

  private tailPath(source: LogSource, lines: number, follow: boolean, bytes?: number): string {
    const params = new URLSearchParams({ lines: String(lines) });
    if (bytes !== undefined) params.set('bytes', String(bytes));
    if (source.kind === 'process') {
      params.set('name', source.name);
      params.set('stream', source.stream);
    }
    if (follow) params.set('follow', '1');
    return `/v1/tail?${params.toString()}`;
  }

  async tail(source: LogSource, lines: number, bytes?: number): Promise<string> {
    return this.call<string>({ method: 'GET', path: this.tailPath(source, lines, false, bytes) });
  }

  /** Follows from now on: the server's initial tail of zero lines is empty. */
  follow(source: LogSource, onText: (text: string) => void, signal: AbortSignal): Promise<void> {
    return this.streamLines({ method: 'GET', path: this.tailPath(source, 0, true), signal }, onText);
  }

  async samples(names: readonly string[]): Promise<ProcessSamples[]> {
    const query = names.map((name) => `name=${encodeURIComponent(name)}`).join('&');
    return (await this.call<{ processes: ProcessSamples[] }>({ method: 'GET', path: `/v1/samples${query ? `?${query}` : ''}` })).processes;
  }

  metrics(): Promise<MetricsSnapshot> {
    return this.call({ method: 'GET', path: '/v1/metrics' });
  }

  async watchEvents(onEvent: (event: SupervisorEvent) => void, signal: AbortSignal, options: WatchOptions = {}): Promise<void> {

    let pending = '';
    await this.streamLines({ method: 'GET', path: `/v1/events${options.resources ? '' : '?resources=0'}`, signal }, (text) => {
      pending += text;
      let end = pending.indexOf('\n\n');
      while (end !== -1) {
        const data = pending.slice(0, end).split('\n').find((line) => line.startsWith('data: '));
        pending = pending.slice(end + 2);
        if (data) onEvent(JSON.parse(data.slice(6)));
        end = pending.indexOf('\n\n');
      }
    });
  }

  readLogRange(source: LogSource, start: number, lengthBytes: number): Promise<LogRange> {
    const params = new URLSearchParams({ start: String(start), length: String(lengthBytes) });
    if (source.kind === 'process') {
      params.set('name', source.name);
      params.set('stream', source.stream);
    }
    return this.call({ method: 'GET', path: `/v1/log-range?${params.toString()}` });
  }

  stageConfig(): Promise<ReloadResult> {
    return this.call({ method: 'POST', path: '/v1/stage' });
  }

  async activateProgram(name: string): Promise<void> {
    await this.call({ method: 'POST', path: '/v1/activate', body: { names: [name] } });
  }

  async deactivateProgram(name: string): Promise<void> {
    await this.call({ method: 'POST', path: '/v1/deactivate', body: { names: [name] } });
  }

  async sendRemoteCommEvent(eventType: string, data: string): Promise<void> {
    await this.call({ method: 'POST', path: '/v1/remote-event', body: { type: eventType, data } });
  }

  async writeStdin(name: string, data: string): Promise<void> {
    await this.call({ method: 'POST', path: '/v1/stdin', body: { name, data } });
  }

  async attachTerminal(name: string, size: TerminalSize, viewer: TerminalViewer): Promise<TerminalAttachment> {
    const { openAttachment } = await import('./attach-client.js');
    return openAttachment(this.socketPath, name, size, viewer);
  }
}
