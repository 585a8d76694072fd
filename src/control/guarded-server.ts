import { createServer, type RequestListener, type Server } from 'node:http';
import { guardConnections, serverTimeouts } from './connection-guard.js';
import type { ConnectionLimits } from './connection-limiter.js';
import { createRequestGuard, type GuardLog, type RequestPolicy } from './request-guard.js';

export interface GuardedServer {
  readonly server: Server;
  /** Stops accepting, drops every connection (streams included) and logs the open bursts. */
  close(): Promise<void>;
}

/** An HTTP server whose every connection and request passes the checks of its listener's policy. */
export function createGuardedServer(policy: RequestPolicy, limits: ConnectionLimits, dispatch: RequestListener, log: GuardLog): GuardedServer {
  const requests = createRequestGuard(policy, log);
  const server = createServer(serverTimeouts, (request, response) => {
    if (requests.admit(request, response)) dispatch(request, response);
  });
  const connections = guardConnections(server, policy.listenerName, limits, log);
  server.on('clientError', (_error, socket) => socket.destroy());
  return {
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      requests.close();
      connections.close();
    },
  };
}
