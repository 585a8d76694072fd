import { formatTimestamp } from '../output/format-time.js';

/**
 * Tells when one channel starts failing and when it works again, so an outage is logged
 * twice (its start, then its end with how many alerts it lost), however long it lasts.
 */
export class ChannelOutage {
  private failedCount = 0;
  private sinceMs = 0;

  constructor(private readonly channel: string) {}

  get failing(): boolean {
    return this.failedCount > 0;
  }

  /** An alert was not delivered; returns the line to log at the first one of an outage, else null. */
  failed(nowMs: number, why: string): string | null {
    this.failedCount += 1;
    if (this.failedCount > 1) return null;
    this.sinceMs = nowMs;
    return `notify: ${this.channel} failing (${why}): alerts are not delivered since ${this.since()}; the count follows when it recovers`;
  }

  /** An alert got through; returns the recovery line after an outage, else null. */
  delivered(): string | null {
    if (this.failedCount === 0) return null;
    const line = `notify: ${this.channel} works again: ${this.failedCount} alert${this.failedCount === 1 ? '' : 's'} not delivered since ${this.since()}`;
    this.failedCount = 0;
    return line;
  }

  /** At shutdown, what an outage still going on has cost; null when there is none. */
  pending(): string | null {
    if (this.failedCount === 0) return null;
    return `notify: ${this.channel} still failing: ${this.failedCount} alert${this.failedCount === 1 ? '' : 's'} not delivered since ${this.since()}`;
  }

  private since(): string {
    return formatTimestamp(new Date(this.sinceMs)).slice(0, 19);
  }
}
