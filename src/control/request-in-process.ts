import { EventEmitter } from 'node:events';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

export interface InProcessRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Aborting it is the client leaving: a streaming route stops. */
  readonly signal?: AbortSignal;
  /** Each piece of a streamed body, as it is written. */
  readonly onText?: (text: string) => void;
}

export interface InProcessReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | number>>;
  readonly body: string;
  /** True when the server dropped the response instead of ending it. */
  readonly destroyed: boolean;
}

/** Just what the routes use of a ServerResponse, kept in memory. */
class RecordedResponse extends EventEmitter {
  status = 0;
  headers: Record<string, string | number> = {};
  body = '';
  headersSent = false;
  destroyed = false;
  writableLength = 0;
  readonly finished: Promise<void>;
  private finish: () => void = () => {};

  constructor(private readonly onText: (text: string) => void) {
    super();
    this.finished = new Promise((resolve) => (this.finish = resolve));
  }

  writeHead(status: number, headers: Record<string, string | number> = {}): this {
    this.status = status;
    this.headers = { ...headers };
    this.headersSent = true;
    return this;
  }

  flushHeaders(): void {}

  write(text: string): boolean {
    this.body += text;
    this.onText(text);
    return true;
  }

  end(text?: string): this {
    if (text) this.write(text);
    this.done();
    return this;
  }

  destroy(): this {
    this.destroyed = true;
    this.done();
    return this;
  }

  private done(): void {
    this.emit('close');
    this.finish();
  }
}

/**
 * Calls a request listener with no socket, as hono's `app.request` does: routes get fast
 * tests against a fake API, beside the real-socket tests.
 */
export async function requestInProcess(listener: RequestListener, call: InProcessRequest): Promise<InProcessReply> {
  const request = Object.assign(Readable.from(call.body === undefined ? [] : [Buffer.from(call.body)]), {
    method: call.method,
    url: call.path,
    headers: { ...call.headers },
  });
  const response = new RecordedResponse(call.onText ?? (() => {}));
  const leave = (): void => {
    request.emit('close');
    response.emit('close');
  };
  call.signal?.addEventListener('abort', leave, { once: true });
  try {
    listener(request as unknown as IncomingMessage, response as unknown as ServerResponse);
    await response.finished;
  } finally {
    call.signal?.removeEventListener('abort', leave);
  }
  return { status: response.status, headers: response.headers, body: response.body, destroyed: response.destroyed };
}
