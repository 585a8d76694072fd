import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** medusa's zombie_timeout, which supervisorctl's one long-lived connection relies on. */
export const rpcIdleTimeoutMs = 30 * 60 * 1000;

const idleMsBySocket = new WeakMap<Socket, number>();

/**
 * Keeps an admitted client's connection open between its requests for `idleMs`, not Node's 5 s:
 * supervisorctl's shell reuses one connection and never retries a closed one.
 */
export function keepConnectionOpen(response: ServerResponse, idleMs = rpcIdleTimeoutMs): void {
  const socket = response.socket;
  if (!socket) return;
  idleMsBySocket.set(socket, idleMs);
  // Node arms its keepAliveTimeout in its own 'finish' listener, added before ours: this replaces it.
  response.once('finish', () => {
    if (!socket.destroyed) socket.setTimeout(idleMs);
  });
}

/** How long a connection may sit idle: longer once keepConnectionOpen has been called for it. */
export function idleMsOf(socket: Socket, fallbackMs: number): number {
  return idleMsBySocket.get(socket) ?? fallbackMs;
}
