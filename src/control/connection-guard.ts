import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { BurstCounter } from './burst-counter.js';
import { ConnectionLimiter, type ConnectionLimits } from './connection-limiter.js';
import type { GuardLog } from './request-guard.js';

/** A connection with no request in progress is closed after this long (slowloris included: the timer runs until the headers are complete). */
export const idleTimeoutMs = 10_000;
/** Node's own timeouts, checked every second: whole headers within 10 s, a whole request within 30 s. */
export const serverTimeouts: ServerOptions = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
};

export interface ConnectionGuard {
  readonly limiter: ConnectionLimiter;
  close(): void;
}

interface ConnectionState {
  readonly peer: string;
  inFlight: number;
  idleTimer: NodeJS.Timeout | null;
}

/**
 * Caps a listener's connections (in total and per peer) and closes idle ones, so no flood of
 * connections can take the descriptors that supervision needs. Long streams count toward the caps.
 */
export function guardConnections(server: Server, listenerName: string, limits: ConnectionLimits, log: GuardLog, idleMs = idleTimeoutMs): ConnectionGuard {
  const limiter = new ConnectionLimiter(limits);
  const states = new WeakMap<Socket, ConnectionState>();
  const refusals = new BurstCounter(
    5_000,
    (peer) => log.warn(`control API: connection limit reached on ${listenerName} (${limits.maxConnections} in all, ${limits.maxPerPeer} per peer); refusing connections from ${peer}`),
    (report) => log.warn(`control API: refused ${report.count} connections from ${report.key} on ${listenerName} in ${((report.endedAtMs - report.startedAtMs) / 1000).toFixed(1)} s (connection limit)`),
  );
  const armIdle = (socket: Socket, state: ConnectionState): void => {
    state.idleTimer = setTimeout(() => socket.destroy(), idleMs);
    state.idleTimer.unref();
  };
  const disarmIdle = (state: ConnectionState): void => {
    if (state.idleTimer) clearTimeout(state.idleTimer);
    state.idleTimer = null;
  };
  server.on('connection', (socket: Socket) => {
    const peer = socket.remoteAddress ?? 'local';
    const verdict = limiter.admit(peer);
    if (verdict !== 'ok') {
      refusals.note(peer);
      socket.destroy();
      return;
    }
    const state: ConnectionState = { peer, inFlight: 0, idleTimer: null };
    states.set(socket, state);
    if (socket.remoteAddress !== undefined) socket.setKeepAlive(true, 60_000);
    armIdle(socket, state);
    socket.once('close', () => {
      disarmIdle(state);
      limiter.release(peer);
    });
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    const state = states.get(socket);
    if (!state) return;
    state.inFlight += 1;
    disarmIdle(state);
    response.once('close', () => {
      state.inFlight -= 1;
      if (state.inFlight === 0 && !socket.destroyed) armIdle(socket, state);
    });
  });
  // An upgraded connection (an attached terminal) is a long stream: it counts toward the caps but is never idle-closed.
  server.on('upgrade', (request: IncomingMessage) => {
    const state = states.get(request.socket);
    if (state) disarmIdle(state);
  });
  return {
    limiter,
    close() {
      refusals.flush();
    },
  };
}
