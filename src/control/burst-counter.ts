export interface BurstReport {
  readonly key: string;
  readonly count: number;
  readonly startedAtMs: number;
  readonly endedAtMs: number;
}

const maxOpenBursts = 32;

interface Burst {
  count: number;
  startedAtMs: number;
  lastAtMs: number;
  timer: NodeJS.Timeout;
}

/**
 * Turns a flood of the same event into two log lines: one when it starts, one with the count
 * once it has been quiet for `quietMs`, so a flood can never flood the event log.
 */
export class BurstCounter {
  private readonly bursts = new Map<string, Burst>();

  constructor(
    private readonly quietMs: number,
    private readonly onStart: (key: string) => void,
    private readonly onEnd: (report: BurstReport) => void,
  ) {}

  note(peerKey: string): void {
    const now = Date.now();
    // Many peers at once (a spray of addresses) share one burst, so the log stays small.
    const key = this.bursts.has(peerKey) || this.bursts.size < maxOpenBursts ? peerKey : 'other peers';
    const burst = this.bursts.get(key);
    if (burst) {
      burst.count += 1;
      burst.lastAtMs = now;
      return;
    }
    const fresh: Burst = { count: 1, startedAtMs: now, lastAtMs: now, timer: setTimeout(() => this.check(key), this.quietMs) };
    fresh.timer.unref();
    this.bursts.set(key, fresh);
    this.onStart(key);
  }

  private check(key: string): void {
    const burst = this.bursts.get(key);
    if (!burst) return;
    const quietForMs = Date.now() - burst.lastAtMs;
    if (quietForMs < this.quietMs) {
      burst.timer = setTimeout(() => this.check(key), this.quietMs - quietForMs);
      burst.timer.unref();
      return;
    }
    this.bursts.delete(key);
    this.onEnd({ key, count: burst.count, startedAtMs: burst.startedAtMs, endedAtMs: burst.lastAtMs });
  }

  /** Reports every open burst now (at shutdown) and clears the timers. */
  flush(): void {
    for (const [key, burst] of this.bursts) {
      clearTimeout(burst.timer);
      this.onEnd({ key, count: burst.count, startedAtMs: burst.startedAtMs, endedAtMs: burst.lastAtMs });
    }
    this.bursts.clear();
  }
}
