import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readProcStat } from '../engine/proc-table.js';
import type { UserEntry } from '../engine/user-lookup.js';
import { nativeCalls } from './native-calls.js';

interface DatagramAddon {
  bindDatagram?: (path: string) => number;
  receiveDatagram?: (fd: number) => { pid: number; message: string } | null;
  closeFd?: (fd: number) => void;
}

interface Waiter {
  readonly pid: number;
  readonly ready: () => void;
  /** The last `STATUS=` the process sent, for status and the deadline's message. */
  status: string | null;
}

/** How often the socket is read while some process waits for its READY=1. */
const pollMs = 50;
/** Ancestors walked to tie a sender (a helper such as systemd-notify) to a waiting process. */
const maxAncestry = 32;

/** True when `pid` is `ancestor` or one of its descendants, by the parent links of /proc. */
export function isSelfOrDescendant(pid: number, ancestor: number): boolean {
  let current = pid;
  for (let step = 0; step < maxAncestry && current > 1; step += 1) {
    if (current === ancestor) return true;
    const stat = readProcStat(current);
    if (!stat) return false;
    current = stat.ppid;
  }
  return false;
}

/**
 * The supervisor's one NOTIFY_SOCKET for its programs' `ready: notify`: a datagram socket
 * bound by the native addon (Node has no AF_UNIX datagrams), read on a timer only while a
 * process waits; the kernel's SCM_CREDENTIALS say which process sent each message.
 */
export class NotifyReceiver {
  private fd: number | null = null;
  private addon: Required<DatagramAddon> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly waiters = new Set<Waiter>();
  /** Sockets for programs run as another user, by uid: ours sits in a folder only taskmaster's user may enter. */
  private readonly userSockets = new Map<number, { fd: number; folder: string; path: string }>();

  constructor(readonly path: string) {}

  /** Binds the socket once; throws E_NOTIFY_UNAVAILABLE with the reason when the addon cannot. */
  open(): void {
    if (this.fd !== null) return;
    const addon = nativeCalls<DatagramAddon>('ready: notify', 'E_NOTIFY_UNAVAILABLE', ['bindDatagram', 'receiveDatagram', 'closeFd']);
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    // A socket file left by a supervisor that died holds the name; nothing listens on it.
    rmSync(this.path, { force: true });
    this.fd = addon.bindDatagram(this.path);
    this.addon = addon;
  }

  /**
   * The NOTIFY_SOCKET a process running as `user` can send to: ours, or for another user one
   * bound in a folder of its own (mkdtemp, 0700, chowned to it); senders are still told by their credentials.
   */
  pathFor(user: UserEntry | undefined): string {
    if (!this.addon || this.fd === null) throw new Error('the NOTIFY_SOCKET is opened before it is handed out');
    if (user === undefined || user.uid === process.geteuid?.()) return this.path;
    const known = this.userSockets.get(user.uid);
    if (known) return known.path;
    const folder = mkdtempSync(join(tmpdir(), 'taskmaster-notify-'));
    const path = join(folder, 'notify.sock');
    try {
      const fd = this.addon.bindDatagram(path);
      this.userSockets.set(user.uid, { fd, folder, path });
      chownSync(path, user.uid, user.gid);
      chownSync(folder, user.uid, user.gid);
    } catch (error) {
      this.closeUserSocket(user.uid);
      rmSync(folder, { recursive: true, force: true });
      throw error;
    }
    return path;
  }

  /** Calls ready once the process `pid` (or a descendant) sends READY=1; the returned function cancels. */
  wait(pid: number, ready: () => void): { cancel: () => void; status: () => string | null } {
    const waiter: Waiter = { pid, ready, status: null };
    this.waiters.add(waiter);
    this.timer ??= setInterval(() => this.drain(), pollMs).unref();
    return { cancel: () => this.forget(waiter), status: () => waiter.status };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.waiters.clear();
    for (const uid of [...this.userSockets.keys()]) this.closeUserSocket(uid);
    if (this.fd === null || !this.addon) return;
    this.addon.closeFd(this.fd);
    this.fd = null;
    rmSync(this.path, { force: true });
  }

  private closeUserSocket(uid: number): void {
    const socket = this.userSockets.get(uid);
    if (!socket) return;
    this.userSockets.delete(uid);
    this.addon?.closeFd(socket.fd);
    rmSync(socket.folder, { recursive: true, force: true });
  }

  private forget(waiter: Waiter): void {
    this.waiters.delete(waiter);
    if (this.waiters.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private drain(): void {
    if (this.fd === null || !this.addon) return;
    for (const fd of [this.fd, ...[...this.userSockets.values()].map((socket) => socket.fd)]) this.drainOne(fd);
  }

  private drainOne(fd: number): void {
    // Bounded per tick so that a flood from a child cannot hold the event loop.
    for (let count = 0; count < 256; count += 1) {
      const datagram = this.addon!.receiveDatagram(fd);
      if (!datagram) return;
      const waiter = [...this.waiters].find((candidate) => isSelfOrDescendant(datagram.pid, candidate.pid));
      if (!waiter) continue;
      const fields = datagram.message.split('\n');
      const status = fields.find((field) => field.startsWith('STATUS='));
      if (status !== undefined) waiter.status = status.slice('STATUS='.length);
      if (fields.includes('READY=1')) {
        this.forget(waiter);
        waiter.ready();
      }
    }
  }
}
