import { Cron } from 'croner';
import type { ProgramConfig, ScheduleConfig } from '../config/types.js';
import { formatTimestamp } from '../output/format-time.js';
import type { JobState } from './job-state.js';

/** setTimeout cannot wait longer than this; a later tick is approached in steps. */
const maxTimerMs = 2_147_483_647;

export interface JobHost {
  /** True while a run of the job is going on. */
  isRunning(): boolean;
  /** Starts a run; resolves when it has ended, true if it succeeded. */
  run(): Promise<boolean>;
  stop(): Promise<void>;
  log(level: 'info' | 'warn', message: string): void;
}

/** Runs one program at its cron ticks instead of keeping it alive. */
export class JobScheduler {
  private readonly cron: Cron;
  private timer: NodeJS.Timeout | null = null;
  private queued = false;
  private stopped = false;
  nextRunAt: number | null = null;

  constructor(
    private readonly program: ProgramConfig,
    readonly schedule: ScheduleConfig,
    private readonly state: JobState,
    private readonly host: JobHost,
  ) {
    this.cron = new Cron(schedule.expression, { ...(schedule.timezone ? { timezone: schedule.timezone } : {}), paused: true });
  }

  start(): void {
    this.stopped = false;
    const last = this.state.lastTick(this.program.name);
    if (this.schedule.catchup && last !== undefined) {
      const missed = this.cron.nextRun(new Date(last));
      if (missed && missed.getTime() < Date.now()) {
        this.host.log('info', `catchup: ${this.program.name} missed its tick at ${formatTimestamp(missed)}, running it now`);
        this.state.recordTick(this.program.name, Date.now());
        void this.runWithRetries();
      }
    } else if (last === undefined) {
      this.state.recordTick(this.program.name, Date.now());
    }
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextRunAt = null;
  }

  private arm(): void {
    if (this.stopped) return;
    const next = this.cron.nextRun();
    if (!next) {
      this.nextRunAt = null;
      return;
    }
    const jitterMs = this.schedule.jitterMs > 0 ? Math.floor(Math.random() * this.schedule.jitterMs) : 0;
    const runAt = next.getTime() + jitterMs;
    this.nextRunAt = runAt;
    const waitMs = Math.max(0, runAt - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (waitMs > maxTimerMs) this.arm();
      else this.tick(next);
    }, Math.min(waitMs, maxTimerMs));
  }

  private tick(scheduledFor: Date): void {
    this.state.recordTick(this.program.name, Date.now());
    // Arm the next tick first: a long run must not make the schedule drift.
    this.arm();
    if (this.host.isRunning()) {
      switch (this.schedule.overlap) {
        case 'skip':
          this.host.log('info', `skipped: ${this.program.name} tick of ${formatTimestamp(scheduledFor)}, the previous run is still going`);
          return;
        case 'queue':
          this.host.log('info', `queued: ${this.program.name} tick of ${formatTimestamp(scheduledFor)} runs when the previous run ends`);
          this.queued = true;
          return;
        case 'replace':
          this.host.log('info', `replacing: ${this.program.name} previous run is stopped for the tick of ${formatTimestamp(scheduledFor)}`);
          void this.host.stop().then(() => this.runWithRetries());
          return;
      }
    }
    void this.runWithRetries();
  }

  private async runWithRetries(): Promise<void> {
    for (let attempt = 0; attempt <= this.schedule.times && !this.stopped; attempt += 1) {
      if (attempt > 0) this.host.log('info', `retry: ${this.program.name} failed, run ${attempt + 1} of ${this.schedule.times + 1}`);
      if (await this.host.run()) break;
      if (attempt === this.schedule.times) this.host.log('warn', `failed: ${this.program.name} run failed${this.schedule.times > 0 ? ` after ${this.schedule.times + 1} attempts` : ''}`);
    }
    if (this.queued && !this.stopped) {
      this.queued = false;
      await this.runWithRetries();
    }
  }
}
