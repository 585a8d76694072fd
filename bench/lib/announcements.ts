import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';

export interface Announcement {
  readonly pid: number;
  readonly atMs: number;
}

type Waiter = { notPid: number; resolve: (announcement: Announcement) => void };

/**
 * Children tell the benchmark they run by sending "TAG PID" over UDP as their first act
 * (bash's /dev/udp), so every tool is timed the same way without polling it.
 */
export class Announcements {
  private readonly latest = new Map<string, Announcement>();
  private readonly waiters = new Map<string, Waiter[]>();

  private constructor(private readonly socket: Socket) {
    socket.on('message', (message) => {
      const atMs = performance.now();
      const [tag, pidText] = message.toString('utf8').trim().split(' ');
      if (tag === undefined || pidText === undefined) return;
      const announcement = { pid: Number(pidText), atMs };
      this.latest.set(tag, announcement);
      const pending = this.waiters.get(tag) ?? [];
      const [ready, waiting] = [pending.filter((waiter) => waiter.notPid !== announcement.pid), pending.filter((waiter) => waiter.notPid === announcement.pid)];
      this.waiters.set(tag, waiting);
      for (const waiter of ready) waiter.resolve(announcement);
    });
  }

  static async open(): Promise<Announcements> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    return new Announcements(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /**
   * argv of a child that announces itself under `tag`, then becomes `sleep 1000` with the same pid.
   * --norc: bash with a socket on stdin (Node's pipes) and SHLVL unset or 0 sources ~/.bashrc, which can cost 200 ms.
   */
  childArgv(tag: string): string[] {
    return ['/bin/bash', '--norc', '-c', `echo ${tag} $$ >/dev/udp/127.0.0.1/${this.port}; exec sleep 1000`];
  }

  current(tag: string): Announcement | undefined {
    return this.latest.get(tag);
  }

  /** The next announcement under `tag` from a pid other than `notPid`. */
  next(tag: string, notPid: number): Promise<Announcement> {
    const latest = this.latest.get(tag);
    if (latest && latest.pid !== notPid) return Promise.resolve(latest);
    return new Promise((resolve) => {
      const pending = this.waiters.get(tag) ?? [];
      pending.push({ notPid, resolve });
      this.waiters.set(tag, pending);
    });
  }

  close(): void {
    this.socket.close();
  }
}
