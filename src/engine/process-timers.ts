import type { ProcessEvent, TimerName } from './state-machine.js';

/** The event each timer feeds the state machine when it fires (the ready deadline's carries a detail). */
export const timerEvents: Record<Exclude<TimerName, 'ready'>, ProcessEvent> = {
  start: { type: 'startTimeElapsed' },
  backoff: { type: 'backoffElapsed' },
  stop: { type: 'stopTimeElapsed' },
  timeout: { type: 'timeoutElapsed' },
};

/** The named timers of one process: at most one of each name runs. */
export class ProcessTimers {
  private readonly timers = new Map<TimerName, NodeJS.Timeout>();
  /** When the pending backoff timer fires, for `restarting in 4s` in status. */
  backoffDueMs: number | null = null;

  start(name: TimerName, ms: number, onFire: () => void): void {
    this.clear(name);
    this.timers.set(name, setTimeout(() => {
      this.timers.delete(name);
      onFire();
    }, ms));
    if (name === 'backoff') this.backoffDueMs = Date.now() + ms;
  }

  clear(name: TimerName): void {
    const timer = this.timers.get(name);
    if (timer) clearTimeout(timer);
    this.timers.delete(name);
  }

  clearAll(): void {
    for (const name of [...this.timers.keys()]) this.clear(name);
  }
}
