/**
 * The timer of a repeating check. Each start opens a new round; a check that finishes
 * after a stop or a restart belongs to an old round and is ignored.
 */
export class CheckRounds {
  private timer: NodeJS.Timeout | null = null;
  private round = 0;

  /** Ends the current round and any check scheduled in it. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.round += 1;
  }

  /** Stops, then opens a new round; returns its number. */
  restart(): number {
    this.stop();
    return this.round;
  }

  isCurrent(round: number): boolean {
    return round === this.round;
  }

  /** Runs `check` with `round` after `delayMs`, unless the round ends first. */
  schedule(round: number, delayMs: number, check: (round: number) => Promise<void>): void {
    if (!this.isCurrent(round)) return;
    this.timer = setTimeout(() => void check(round), delayMs);
  }
}
