/** supervisord's TICK periods, in seconds, with their event types. */
export const tickPeriods = [
  { seconds: 5, type: 'TICK_5' },
  { seconds: 60, type: 'TICK_60' },
  { seconds: 3600, type: 'TICK_3600' },
] as const;

export type TickType = (typeof tickPeriods)[number]['type'];

/** The start of the period that `nowSeconds` falls in (supervisord's timeslice). */
export function timeslice(periodSeconds: number, nowSeconds: number): number {
  return Math.floor(nowSeconds - (nowSeconds % periodSeconds));
}

/**
 * Fires TICK_5/60/3600 when the wall clock enters a new period, as supervisord does; the
 * first period after start is not announced. It wakes only at 5 s boundaries, and only while armed.
 */
export class TickClock {
  private timer: NodeJS.Timeout | null = null;
  private readonly last = new Map<number, number>();

  constructor(private readonly onTick: (type: TickType, whenSeconds: number) => void) {}

  get running(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer) return;
    const now = Date.now() / 1000;
    for (const period of tickPeriods) this.last.set(period.seconds, timeslice(period.seconds, now));
    this.arm();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    const nowMs = Date.now();
    // A few ms past the boundary, so the clock reads the new period when the timer fires.
    const delayMs = 5000 - (nowMs % 5000) + 5;
    this.timer = setTimeout(() => this.fire(), delayMs);
    this.timer.unref();
  }

  private fire(): void {
    const now = Date.now() / 1000;
    for (const period of tickPeriods) {
      const slice = timeslice(period.seconds, now);
      if (slice === this.last.get(period.seconds)) continue;
      this.last.set(period.seconds, slice);
      this.onTick(period.type, slice);
    }
    this.arm();
  }
}
