import { createServer, type RequestListener } from 'node:http';
import { createServer as createNetServer, type Server } from 'node:net';
import { guardConnections, serverTimeouts } from './connection-guard.js';
import type { ConnectionLimits } from './connection-limiter.js';
import { FirstLineEscaper } from './first-line-escaper.js';
import { createRequestGuard, type GuardLog, type RequestPolicy } from './request-guard.js';

export interface GuardedServer {
  /** What listens: each connection it accepts is handed to the HTTP server. */
  readonly server: Server;
  /** Stops accepting, drops every connection (streams included) and logs the open bursts. */
  close(): Promise<void>;
}

/** An HTTP server whose every connection and request passes the checks of its listener's policy. */
export function createGuardedServer(policy: RequestPolicy, limits: ConnectionLimits, dispatch: RequestListener, log: GuardLog): GuardedServer {
  const requests = createRequestGuard(policy, log);
  const http = createServer(serverTimeouts, (request, response) => {
    if (requests.admit(request, response)) dispatch(request, response);
  });
  const connections = guardConnections(http, policy.listenerName, limits, log);
  http.on('clientError', (_error, socket) => socket.destroy());
  // The HTTP server reads each connection through the escaper, which makes a raw UTF-8 request line parseable.
  const server = createNetServer((socket) => http.emit('connection', new FirstLineEscaper(socket)));
  // The HTTP server never listens itself: 'listening' starts its header and request timeout checks.
  server.on('listening', () => http.emit('listening'));
  return {
    server,
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Stops the HTTP server's timeout checks; it has no handle of its own to close.
      http.close();
      requests.close();
      connections.close();
    },
  };
}
