import type { NotifyConfig, ProgramConfig } from '../config/types.js';
import { makeAlert, type Alert, type AlertFacts } from './alert.js';
import { AlertDelivery, type AlertChannel, type DeliveryLog } from './alert-delivery.js';
import { AlertRateLimit, suppressedSummary, type Suppressed } from './alert-rate-limit.js';
import { CommandChannel } from './command-channel.js';
import { EmailChannel } from './email-channel.js';
import { SyslogChannel } from './syslog-channel.js';
import { WebhookChannel } from './webhook-channel.js';

export type NotifyLog = DeliveryLog;

/** The channels a program's `notify` names, each with a key that is the same for the same channel. */
function channelsOf(config: NotifyConfig): { key: string; make: () => AlertChannel }[] {
  const channels: { key: string; make: () => AlertChannel }[] = [];
  const { url, secret, cmd, syslog, email } = config;
  if (url !== null) channels.push({ key: JSON.stringify(['webhook', url, secret]), make: () => new WebhookChannel(url, secret) });
  if (cmd !== null) channels.push({ key: JSON.stringify(['command', cmd]), make: () => new CommandChannel(cmd) });
  if (syslog !== null) channels.push({ key: JSON.stringify(['syslog', syslog]), make: () => new SyslogChannel(syslog) });
  if (email !== null) channels.push({ key: JSON.stringify(['email', email]), make: () => new EmailChannel(email) });
  return channels;
}

/** The alert with what was held back before it, so each delivered alert stands for 1 + suppressed.count. */
function withHeld(alert: Alert, suppressed: Suppressed | null, config: NotifyConfig): Alert {
  if (!suppressed) return alert;
  return { ...alert, suppressed: { count: suppressed.count, since: new Date(suppressed.sinceMs).toISOString(), summary: suppressedSummary(suppressed.count, config.rateLimit.perMs) } };
}

interface Held {
  readonly program: ProgramConfig;
  last: Alert;
  timer: NodeJS.Timeout | null;
}

/**
 * Tells someone when things go wrong, never in supervision's way: each alert is rate
 * limited per process, then queued on each of its program's channels and sent from there.
 */
export class Notifier {
  private readonly deliveries = new Map<string, AlertDelivery>();
  private readonly limits = new Map<string, AlertRateLimit>();
  private readonly held = new Map<string, Held>();

  constructor(private readonly log: NotifyLog) {}

  /** True when the program wants alerts of this event at all (so the caller can skip gathering details). */
  wants(program: ProgramConfig, event: AlertFacts['event']): boolean {
    return program.notify?.events.includes(event) ?? false;
  }

  send(program: ProgramConfig, facts: AlertFacts): void {
    const config = program.notify;
    if (!config || !config.events.includes(facts.event)) return;
    const alert = makeAlert(facts);
    const decision = this.limitOf(config).offer(facts.process, Date.now());
    if (!decision.send) {
      this.hold(program, alert, decision.flushAtMs);
      return;
    }
    this.deliver(program, withHeld(alert, decision.suppressed, config));
  }

  /** Resolves once every queued alert was sent or given up (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.deliveries.values()].map((delivery) => delivery.idle()));
  }

  /** At shutdown: held alerts go out as summaries now, and an outage still going on is logged with its count. */
  close(): void {
    for (const [processName, held] of this.held) this.flush(processName, held);
    for (const delivery of this.deliveries.values()) {
      const pending = delivery.pending();
      if (pending) this.log('warn', pending);
    }
  }

  private limitOf(config: NotifyConfig): AlertRateLimit {
    const key = `${config.rateLimit.count}/${config.rateLimit.perMs}`;
    let limit = this.limits.get(key);
    if (!limit) {
      limit = new AlertRateLimit(config.rateLimit.count, config.rateLimit.perMs);
      this.limits.set(key, limit);
    }
    return limit;
  }

  private hold(program: ProgramConfig, alert: Alert, flushAtMs: number): void {
    const held = this.held.get(alert.process);
    if (held) {
      held.last = alert;
      return;
    }
    const entry: Held = { program, last: alert, timer: null };
    // Unreferenced: a summary due later must not keep a stopping supervisor alive; close() sends it.
    entry.timer = setTimeout(() => this.flush(alert.process, entry), Math.max(0, flushAtMs - Date.now())).unref();
    this.held.set(alert.process, entry);
  }

  /** Once the window has room: the last held alert goes out, carrying how many were held. */
  private flush(processName: string, held: Held): void {
    if (held.timer) clearTimeout(held.timer);
    this.held.delete(processName);
    const config = held.program.notify;
    if (!config) return;
    const suppressed = this.limitOf(config).flush(processName, Date.now());
    if (!suppressed) return;
    // The last one held is the summary's own news; the count is of the others.
    this.deliver(held.program, withHeld(held.last, suppressed.count > 1 ? { ...suppressed, count: suppressed.count - 1 } : null, config));
  }

  private deliver(program: ProgramConfig, alert: Alert): void {
    for (const { key, make } of channelsOf(program.notify!)) {
      let delivery = this.deliveries.get(key);
      if (!delivery) {
        delivery = new AlertDelivery(make(), this.log);
        this.deliveries.set(key, delivery);
      }
      delivery.enqueue(alert);
    }
  }
}
