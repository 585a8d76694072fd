/** What the limit says of one alert: send it (with what was held back before it), or hold it until `flushAtMs`. */
export type RateDecision =
  | { readonly send: true; readonly suppressed: Suppressed | null }
  | { readonly send: false; readonly flushAtMs: number };

export interface Suppressed {
  readonly count: number;
  readonly sinceMs: number;
}

/** `7 more in the last 5 minutes`: what an alert says of those held back before it. */
export function suppressedSummary(count: number, perMs: number): string {
  const [amount, unit] = perMs % 3_600_000 === 0 ? [perMs / 3_600_000, 'hour'] : perMs % 60_000 === 0 ? [perMs / 60_000, 'minute'] : [Math.round(perMs / 1000), 'second'];
  return `${count} more in the last ${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

interface KeyState {
  /** When the alerts sent within the window went out, oldest first. */
  sentAtMs: number[];
  heldCount: number;
  heldSinceMs: number;
}

/**
 * At most `count` alerts per key (a process) in any `perMs`. An alert over the limit is
 * counted, never lost: the next one sent carries the count, or flush() makes a summary.
 */
export class AlertRateLimit {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly count: number,
    private readonly perMs: number,
  ) {}

  offer(key: string, nowMs: number): RateDecision {
    const state = this.stateOf(key, nowMs);
    if (state.sentAtMs.length < this.count) {
      state.sentAtMs.push(nowMs);
      return { send: true, suppressed: this.takeHeld(state) };
    }
    if (state.heldCount === 0) state.heldSinceMs = nowMs;
    state.heldCount += 1;
    return { send: false, flushAtMs: state.sentAtMs[0]! + this.perMs };
  }

  /** What was held back for the key, once the window has room again; null when nothing is left to say. */
  flush(key: string, nowMs: number): Suppressed | null {
    const state = this.keys.get(key);
    if (!state || state.heldCount === 0) return null;
    return this.takeHeld(this.stateOf(key, nowMs));
  }

  /** Keys with alerts held back, for a summary when the window ends. */
  heldKeys(): string[] {
    return [...this.keys].filter(([, state]) => state.heldCount > 0).map(([key]) => key);
  }

  private stateOf(key: string, nowMs: number): KeyState {
    let state = this.keys.get(key);
    if (!state) {
      state = { sentAtMs: [], heldCount: 0, heldSinceMs: 0 };
      this.keys.set(key, state);
    }
    while (state.sentAtMs.length > 0 && state.sentAtMs[0]! <= nowMs - this.perMs) state.sentAtMs.shift();
    return state;
  }

  private takeHeld(state: KeyState): Suppressed | null {
    if (state.heldCount === 0) return null;
    const held: Suppressed = { count: state.heldCount, sinceMs: state.heldSinceMs };
    state.heldCount = 0;
    return held;
  }
}
