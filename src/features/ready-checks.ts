import type { ManagedProcess } from '../engine/managed-process.js';
import type { NotifyReceiver } from './notify-receiver.js';
import { runProbe } from './probe.js';

interface ReadyLoop {
  /** A new round cancels the probes of the one before. */
  round: number;
  timer: NodeJS.Timeout | null;
  /** The last probe's error in this run, for status and the deadline's message. */
  detail: string | null;
  /** A `ready: notify` wait on the supervisor's NOTIFY_SOCKET. */
  notify: { cancel: () => void; status: () => string | null } | null;
}

/** The ready check of each starting process: probes until it passes or the attempt is over. */
export class ReadyChecks {
  private readonly loops = new WeakMap<ManagedProcess, ReadyLoop>();

  constructor(private readonly notifyReceiver: () => NotifyReceiver) {}

  private loopOf(process: ManagedProcess): ReadyLoop {
    let loop = this.loops.get(process);
    if (!loop) {
      loop = { round: 0, timer: null, detail: null, notify: null };
      this.loops.set(process, loop);
    }
    return loop;
  }

  start(process: ManagedProcess, passed: () => void): void {
    const loop = this.loopOf(process);
    loop.detail = null;
    if (process.program.ready?.probe.kind === 'notify') this.waitForNotify(process, loop, passed);
    else this.probe(process, loop, loop.round, passed);
  }

  stop(process: ManagedProcess): void {
    const loop = this.loops.get(process);
    if (!loop) return;
    if (loop.timer) clearTimeout(loop.timer);
    loop.timer = null;
    loop.notify?.cancel();
    loop.notify = null;
    loop.round += 1;
  }

  detailOf(process: ManagedProcess): string | null {
    const loop = this.loops.get(process);
    if (loop?.notify) return loop.notify.status() ?? 'no READY=1 on NOTIFY_SOCKET yet';
    return loop?.detail ?? null;
  }

  private waitForNotify(process: ManagedProcess, loop: ReadyLoop, passed: () => void): void {
    const pid = process.snapshot.pid;
    if (pid === null) return;
    loop.notify?.cancel();
    loop.notify = this.notifyReceiver().wait(pid, () => {
      if (process.state === 'STARTING') passed();
    });
  }

  private probe(process: ManagedProcess, loop: ReadyLoop, round: number, passed: () => void): void {
    const ready = process.program.ready;
    if (!ready || ready.probe.kind === 'notify' || round !== loop.round) return;
    void runProbe(ready.probe, { timeoutMs: ready.timeoutMs, env: process.environment(), cwd: process.program.workingDir ?? undefined, port: process.port, user: process.program.user }).then((result) => {
      if (round !== loop.round || process.state !== 'STARTING') return;
      if (result.ok) {
        passed();
        return;
      }
      loop.detail = result.detail;
      loop.timer = setTimeout(() => this.probe(process, loop, round, passed), ready.intervalMs);
    });
  }
}
