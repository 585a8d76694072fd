import { stat } from 'node:fs/promises';
import type { HeartbeatConfig } from '../config/types.js';
import { CheckRounds } from './check-rounds.js';

/** Watches a file the process touches; calls onStale once it has not been touched for `timeout`. */
export class HeartbeatMonitor {
  private readonly rounds = new CheckRounds();
  private runningSinceMs = 0;

  constructor(
    private readonly config: HeartbeatConfig,
    private readonly onStale: (ageMs: number) => void,
  ) {}

  start(): void {
    const round = this.rounds.restart();
    this.runningSinceMs = Date.now();
    this.schedule(round);
  }

  stop(): void {
    this.rounds.stop();
  }

  private schedule(round: number): void {
    // Checking four times per timeout keeps the detection within 25% of it.
    const everyMs = Math.max(50, Math.min(this.config.timeoutMs / 4, 5000));
    this.rounds.schedule(round, everyMs, (current) => this.check(current));
  }

  private async check(round: number): Promise<void> {
    const touchedMs = await stat(this.config.file).then((info) => info.mtimeMs, () => 0);
    if (!this.rounds.isCurrent(round)) return;
    // A process is not blamed for a file older than its own start.
    const ageMs = Date.now() - Math.max(touchedMs, this.runningSinceMs);
    if (ageMs > this.config.timeoutMs) {
      this.stop();
      this.onStale(ageMs);
      return;
    }
    this.schedule(round);
  }
}
