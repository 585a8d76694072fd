import type { DeliveryLog } from './alert-delivery.js';
import type { ProcessAlerts } from './process-alerts.js';

/**
 * Alerts load on first use: a config without `notify` never opens their modules, and start-up
 * under a low descriptor limit (ESM reads modules in parallel) opens no more files than before.
 */
export class LazyAlerts {
  private loaded: ProcessAlerts | null = null;
  private loading: Promise<void> | null = null;
  private readonly queued: ((alerts: ProcessAlerts) => void)[] = [];

  constructor(private readonly log: DeliveryLog) {}

  /** Runs the action now once loaded, else when loaded; actions keep their order. */
  use(action: (alerts: ProcessAlerts) => void): void {
    if (this.loaded) {
      action(this.loaded);
      return;
    }
    this.queued.push(action);
    this.loading ??= import('./process-alerts.js').then(
      ({ ProcessAlerts }) => {
        this.loaded = new ProcessAlerts(this.log);
        for (let next = this.queued.shift(); next; next = this.queued.shift()) next(this.loaded);
      },
      (error: Error) => {
        // Out of descriptors, say: these alerts are lost, and said to be; the next use tries again.
        this.log('warn', `notify: cannot load the alert modules (${error.message}): ${this.queued.length} alerts not sent`);
        this.queued.length = 0;
        this.loading = null;
      },
    );
  }

  /** The same, for an action with a result. */
  get<T>(action: (alerts: ProcessAlerts) => T | Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => this.use((alerts) => Promise.resolve(action(alerts)).then(resolve, reject)));
  }

  close(): void {
    this.loaded?.close();
  }
}
