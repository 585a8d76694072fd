import type { Alert } from './alert.js';
import { ChannelOutage } from './channel-outage.js';

/** One way out for alerts; send rejects with a short reason when the alert did not get through. */
export interface AlertChannel {
  /** `webhook http://host/path`, `syslog udp://host:514` ...: how logs name it. */
  readonly name: string;
  send(alert: Alert): Promise<void>;
}

export type DeliveryLog = (level: 'warn' | 'info', message: string) => void;

/** Alerts waiting for one channel; past this the oldest is given up, and counted as not delivered. */
export const maxQueuedAlerts = 100;

/** Sends one channel's alerts one at a time, off supervision's path, with a bounded queue. */
export class AlertDelivery {
  private readonly queue: Alert[] = [];
  private draining: Promise<void> | null = null;
  private readonly outage: ChannelOutage;

  constructor(
    readonly channel: AlertChannel,
    private readonly log: DeliveryLog,
  ) {
    this.outage = new ChannelOutage(channel.name);
  }

  enqueue(alert: Alert): void {
    if (this.queue.length >= maxQueuedAlerts) {
      this.queue.shift();
      this.failed(`more than ${maxQueuedAlerts} alerts waiting`);
    }
    this.queue.push(alert);
    this.draining ??= this.drain().finally(() => (this.draining = null));
  }

  /** Resolves once everything queued so far was sent or given up. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** What an outage still going on has cost, for the last log line. */
  pending(): string | null {
    return this.outage.pending();
  }

  private async drain(): Promise<void> {
    for (let alert = this.queue.shift(); alert; alert = this.queue.shift()) {
      try {
        await this.channel.send(alert);
        const recovered = this.outage.delivered();
        if (recovered) this.log('info', recovered);
      } catch (error) {
        this.failed((error as Error).message);
      }
    }
  }

  private failed(why: string): void {
    const line = this.outage.failed(Date.now(), why);
    if (line) this.log('warn', line);
  }
}
