import { rmSync } from 'node:fs';
import type { ListenSocketConfig, ProgramConfig } from '../config/types.js';
import type { InheritedSocket } from '../engine/spawn-child.js';
import { nativeCalls } from './native-calls.js';

interface SocketCalls {
  listenTcp: (host: string, port: number, backlog: number) => number;
  listenUnix: (path: string, backlog: number) => number;
  closeFd: (fd: number) => void;
}

interface OpenSocket {
  readonly fd: number;
  readonly config: ListenSocketConfig;
}

export type SocketLog = (level: 'info' | 'warn', message: string) => void;

/**
 * The listening sockets of `sockets:` programs, bound by the supervisor once and kept open
 * across restarts, so connections wait in the backlog while a program is down. The native
 * addon binds them (CLOEXEC, and never accepted on here, as libuv would a net.Server's).
 */
export class ListenSockets {
  private readonly open = new Map<string, OpenSocket>();
  private calls: Required<SocketCalls> | null = null;

  constructor(private readonly log: SocketLog) {}

  /** The program's sockets in order, binding those not open yet; throws with the address and errno when one cannot be. */
  acquire(program: ProgramConfig): InheritedSocket[] {
    return program.sockets.map((config) => ({ fd: this.bind(config, program.name), name: config.name }));
  }

  /** Closes every socket no program of `programs` listens on any more (a program removed or changed by a reload). */
  retain(programs: Iterable<ProgramConfig>): void {
    const wanted = new Set<string>();
    for (const program of programs) for (const socket of program.sockets) wanted.add(socket.listen);
    for (const listen of [...this.open.keys()]) if (!wanted.has(listen)) this.close(listen);
  }

  closeAll(): void {
    for (const listen of [...this.open.keys()]) this.close(listen);
  }

  private bind(config: ListenSocketConfig, programName: string): number {
    const known = this.open.get(config.listen);
    if (known) return known.fd;
    this.calls ??= nativeCalls<SocketCalls>('sockets', 'E_SOCKETS_UNAVAILABLE', ['listenTcp', 'listenUnix', 'closeFd']);
    let fd: number;
    try {
      const { address } = config;
      fd = address.kind === 'tcp' ? this.calls.listenTcp(address.host, address.port, config.backlog) : this.calls.listenUnix(address.path, config.backlog);
    } catch (error) {
      throw Object.assign(new Error(`couldn't listen on ${config.listen}: ${(error as Error).message}`), { code: 'E_SOCKET_LISTEN' });
    }
    this.open.set(config.listen, { fd, config });
    this.log('info', `listening on ${config.listen} for ${programName} (${config.name})`);
    return fd;
  }

  private close(listen: string): void {
    const socket = this.open.get(listen);
    if (!socket || !this.calls) return;
    this.open.delete(listen);
    this.calls.closeFd(socket.fd);
    // The path is ours: bound by this supervisor, so it goes with the socket.
    if (socket.config.address.kind === 'unix') rmSync(socket.config.address.path, { force: true });
    this.log('info', `closed socket ${listen}`);
  }
}
