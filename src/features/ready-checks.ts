import type { ManagedProcess } from '../engine/managed-process.js';
import { runProbe } from './probe.js';

interface ReadyLoop {
  /** A new round cancels the probes of the one before. */
  round: number;
  timer: NodeJS.Timeout | null;
  /** The last probe's error in this run, for status and the deadline's message. */
  detail: string | null;
}

/** The ready check of each starting process: probes until it passes or the attempt is over. */
export class ReadyChecks {
  private readonly loops = new WeakMap<ManagedProcess, ReadyLoop>();

  private loopOf(process: ManagedProcess): ReadyLoop {
    let loop = this.loops.get(process);
    if (!loop) {
      loop = { round: 0, timer: null, detail: null };
      this.loops.set(process, loop);
    }
    return loop;
  }

  start(process: ManagedProcess, passed: () => void): void {
    const loop = this.loopOf(process);
    loop.detail = null;
    this.probe(process, loop, loop.round, passed);
  }

  stop(process: ManagedProcess): void {
    const loop = this.loops.get(process);
    if (!loop) return;
    if (loop.timer) clearTimeout(loop.timer);
    loop.timer = null;
    loop.round += 1;
  }

  detailOf(process: ManagedProcess): string | null {
    return this.loops.get(process)?.detail ?? null;
  }

  private probe(process: ManagedProcess, loop: ReadyLoop, round: number, passed: () => void): void {
    const ready = process.program.ready;
    if (!ready || round !== loop.round) return;
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
