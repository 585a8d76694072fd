import { createServer, type IncomingMessage, type RequestListener } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { guardConnections, serverTimeouts } from './connection-guard.js';
import type { ConnectionLimits } from './connection-limiter.js';
import { createRequestGuard, type GuardLog, type RequestPolicy } from './request-guard.js';
import { TaskmasterError } from '../contracts/errors.js';

const hex = (byte: number): string => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * Percent-encodes bytes above 0x7f up to the chunk's first line feed, and says whether it came:
 * Node's parser refuses raw UTF-8 in a request line, and supervisorctl's tail -f and fg send a
 * process's name unquoted.
 */
export function escapeFirstLine(chunk: Buffer): { readonly bytes: Buffer; readonly lineEnded: boolean } {
  const end = chunk.indexOf(0x0a);
  const line = end === -1 ? chunk : chunk.subarray(0, end);
  if (!line.some((byte) => byte > 0x7f)) return { bytes: chunk, lineEnded: end !== -1 };
  const parts: Buffer[] = [];
  let from = 0;
  for (let index = 0; index < line.length; index += 1) {
    if (line[index]! <= 0x7f) continue;
    parts.push(line.subarray(from, index), Buffer.from(hex(line[index]!), 'latin1'));
    from = index + 1;
  }
  parts.push(chunk.subarray(from));
  return { bytes: Buffer.concat(parts), lineEnded: end !== -1 };
}

/**
 * A connection as the HTTP server sees it: the socket's bytes, with the first request line made
 * ASCII; everything after it passes untouched. It forwards what the server and the guards use of a socket.
 */
export class FirstLineEscaper extends Duplex {
  private inFirstLine = true;

  constructor(private readonly socket: Socket) {
    super({ allowHalfOpen: true });
    socket.on('data', (chunk: Buffer) => {
      let bytes = chunk;
      if (this.inFirstLine) {
        const escaped = escapeFirstLine(chunk);
        bytes = escaped.bytes;
        this.inFirstLine = !escaped.lineEnded;
      }
      if (!this.push(bytes)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('timeout', () => this.emit('timeout'));
    socket.on('error', (error) => this.destroy(error));
    socket.on('close', () => this.destroy());
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  setKeepAlive(enable?: boolean, initialDelayMs?: number): this {
    this.socket.setKeepAlive(enable, initialDelayMs);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.socket.setNoDelay(noDelay);
    return this;
  }

  setTimeout(timeoutMs: number, onTimeout?: () => void): this {
    this.socket.setTimeout(timeoutMs);
    if (onTimeout) this.once('timeout', onTimeout);
    return this;
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    // Done once the socket has taken it: a slow reader backs up here, where the servers measure it.
    this.socket.write(chunk, (error) => done(error ?? null));
  }

  override _final(done: (error?: Error | null) => void): void {
    this.socket.end(() => done());
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.socket.destroy();
    done(error);
  }
}

export interface GuardedServer {
  /** What listens: each connection it accepts is handed to the HTTP server. */
  readonly server: Server;
  /** Stops accepting, drops every connection (streams included) and logs the open bursts. */
  close(): Promise<void>;
}

/** What an HTTP server's 'upgrade' event carries, once the request guard has admitted it. */
export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Answers an upgrade request with an ordinary HTTP error, as every other route answers, and closes it. */
export function refuseUpgrade(socket: Duplex, status: number, error: TaskmasterError, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ code: error.code, message: error.message, details: error.details ?? null });
  const lines = [`HTTP/1.1 ${status} ${error.code}`, 'content-type: application/json', `content-length: ${Buffer.byteLength(body)}`, 'connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

/** An HTTP server whose every connection and request passes the checks of its listener's policy. */
export function createGuardedServer(policy: RequestPolicy, limits: ConnectionLimits, dispatch: RequestListener, log: GuardLog, upgrade: UpgradeHandler | null = null): GuardedServer {
  const requests = createRequestGuard(policy, log);
  const http = createServer(serverTimeouts, (request, response) => {
    if (requests.admit(request, response)) dispatch(request, response);
  });
  const connections = guardConnections(http, policy.listenerName, limits, log);
  const upgraded = new Set<Duplex>();
  // An upgrade (fg's terminal) passes the same checks; the socket is then the handler's.
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refused = requests.check(request, true);
    if (refused) refuseUpgrade(socket, refused.status, refused.error, refused.headers);
    else if (upgrade) {
      upgraded.add(socket);
      socket.once('close', () => upgraded.delete(socket));
      upgrade(request, socket, head);
    } else refuseUpgrade(socket, 404, new TaskmasterError('E_NOT_FOUND', 'no upgrade on this listener'));
  });
  http.on('clientError', (_error, socket) => socket.destroy());
  // The HTTP server reads each connection through the escaper, which makes a raw UTF-8 request line parseable.
  // Half-open and no-delay as Node's own HTTP server sets them: a client that half-closes still gets its answer.
  const server = createNetServer({ allowHalfOpen: true, noDelay: true }, (socket) => http.emit('connection', new FirstLineEscaper(socket)));
  // The HTTP server never listens itself: 'listening' starts its header and request timeout checks.
  server.on('listening', () => http.emit('listening'));
  return {
    server,
    async close() {
      http.closeAllConnections();
      // Node no longer tracks an upgraded connection as one of the server's: it is dropped here.
      for (const socket of upgraded) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Stops the HTTP server's timeout checks; it has no handle of its own to close.
      http.close();
      requests.close();
      connections.close();
    },
  };
}
