import type { HealthcheckConfig } from '../config/types.js';
import { CheckRounds } from './check-rounds.js';
import { runProbe, type ProbeContext } from './probe.js';

export type Health = 'starting' | 'healthy' | 'unhealthy';

export interface HealthEvents {
  onChange(health: Health, detail: string): void;
  /** Called once when `retries` checks in a row have failed. */
  onUnhealthy(detail: string): void;
}

/**
 * Docker's HEALTHCHECK semantics for one running process: a check every interval,
 * failures during start_period do not count, `retries` failures in a row make it unhealthy.
 */
export class HealthMonitor {
  private readonly rounds = new CheckRounds();
  private failures = 0;
  private startedAtMs = 0;
  health: Health = 'starting';
  detail = '';

  constructor(
    private readonly config: HealthcheckConfig,
    private readonly context: () => ProbeContext,
    private readonly events: HealthEvents,
  ) {}

  start(): void {
    const round = this.rounds.restart();
    this.startedAtMs = Date.now();
    this.failures = 0;
    this.setHealth('starting', '');
    this.schedule(round);
  }

  stop(): void {
    this.rounds.stop();
  }

  private schedule(round: number): void {
    this.rounds.schedule(round, this.config.intervalMs, (current) => this.check(current));
  }

  private setHealth(health: Health, detail: string): void {
    const changed = health !== this.health;
    this.health = health;
    this.detail = detail;
    if (changed) this.events.onChange(health, detail);
  }

  private async check(round: number): Promise<void> {
    const result = await runProbe(this.config.probe, { ...this.context(), timeoutMs: this.config.timeoutMs });
    if (!this.rounds.isCurrent(round)) return;
    if (result.ok) {
      this.failures = 0;
      this.setHealth('healthy', result.detail);
    } else if (Date.now() - this.startedAtMs < this.config.startPeriodMs && this.health === 'starting') {
      this.detail = result.detail;
    } else {
      this.failures += 1;
      this.detail = result.detail;
      if (this.failures >= this.config.retries && this.health !== 'unhealthy') {
        this.setHealth('unhealthy', result.detail);
        this.events.onUnhealthy(result.detail);
        if (!this.rounds.isCurrent(round)) return;
      }
    }
    this.schedule(round);
  }
}
