import { stat } from 'node:fs/promises';
import type { HeartbeatConfig } from '../config/types.js';

/** Watches a file the process touches; calls onStale once it has not been touched for `timeout`. */
export class HeartbeatMonitor {
  private timer: NodeJS.Timeout | null = null;
  private runningSinceMs = 0;
  private round = 0;

  constructor(
    private readonly config: HeartbeatConfig,
    private readonly onStale: (ageMs: number) => void,
  ) {}

  start(): void {
    this.stop();
    this.runningSinceMs = Date.now();
    this.schedule(this.round);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.round += 1;
  }

  private schedule(round: number): void {
    // Checking four times per timeout keeps the detection within 25% of it.
    const everyMs = Math.max(50, Math.min(this.config.timeoutMs / 4, 5000));
    this.timer = setTimeout(() => void this.check(round), everyMs);
  }

  private async check(round: number): Promise<void> {
    const touchedMs = await stat(this.config.file).then((info) => info.mtimeMs, () => 0);
    if (round !== this.round) return;
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
