import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { guardConnections, serverTimeouts } from './connection-guard.js';
import type { ConnectionLimits } from './connection-limiter.js';
import { createRequestGuard, type GuardLog, type RequestPolicy } from './request-guard.js';
import { TaskmasterError } from '../contracts/errors.js';

export interface GuardedServer {
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
  const server = createServer(serverTimeouts, (request, response) => {
    if (requests.admit(request, response)) dispatch(request, response);
  });
  const connections = guardConnections(server, policy.listenerName, limits, log);
  const upgraded = new Set<Duplex>();
  // An upgrade (fg's terminal) passes the same checks; the socket is then the handler's.
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refused = requests.check(request, true);
    if (refused) refuseUpgrade(socket, refused.status, refused.error, refused.headers);
    else if (upgrade) {
      upgraded.add(socket);
      socket.once('close', () => upgraded.delete(socket));
      upgrade(request, socket, head);
    } else refuseUpgrade(socket, 404, new TaskmasterError('E_NOT_FOUND', 'no upgrade on this listener'));
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  return {
    server,
    async close() {
      server.closeAllConnections();
      // Node no longer tracks an upgraded connection as one of the server's: it is dropped here.
      for (const socket of upgraded) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      requests.close();
      connections.close();
    },
  };
}
