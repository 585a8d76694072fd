import { Cron } from 'croner';
import type { ProgramConfig, ScheduleConfig } from '../config/types.js';
import { formatTimestamp } from '../output/format-time.js';
import type { AttemptResult } from './alert.js';
import type { JobState } from './job-state.js';
import type { StartQueue } from './start-queue.js';

/** setTimeout cannot wait longer than this; a later tick is approached in steps. */
const maxTimerMs = 2_147_483_647;

export interface JobHost {
  /** True while a run of the job is going on. */
  isRunning(): boolean;
  /** Starts a run (try `attempt` of a tick); resolves when it has ended, with how each of its processes did. */
  run(attempt: number): Promise<JobRun>;
  stop(): Promise<void>;
  log(level: 'info' | 'warn', message: string): void;
  /** A tick is over: it succeeded at some try, or failed at its last; `attempts` lists every try. */
  finished(succeeded: boolean, attempts: readonly AttemptResult[]): void;
}

export interface JobRun {
  readonly ok: boolean;
  readonly results: readonly AttemptResult[];
}

/** The wait before retry `retry` (1 for the first): doubled each time, capped. */
export function retryDelayMs(schedule: Pick<ScheduleConfig, 'retryDelayMs' | 'retryMaxDelayMs'>, retry: number): number {
  return Math.min(schedule.retryDelayMs * 2 ** (retry - 1), schedule.retryMaxDelayMs);
}

/** Runs one program at its cron ticks instead of keeping it alive. */
export class JobScheduler {
  private readonly cron: Cron;
  private timer: NodeJS.Timeout | null = null;
  private queued = false;
  private stopped = false;
  /** The wait before a retry, and how to end it early when the schedule stops. */
  private retryWait: { timer: NodeJS.Timeout; resolve: () => void } | null = null;
  /** True from a tick's first try to its last: a tick waiting to retry is still going. */
  private inTick = false;
  /** Bumped by each tick and each replace: a tick whose number is no longer current stops retrying. */
  private tickNumber = 0;
  /** Bumped by each stop: a tick still waiting in the start queue from before it does not run. */
  private armNumber = 0;
  nextRunAt: number | null = null;

  constructor(
    private readonly program: ProgramConfig,
    readonly schedule: ScheduleConfig,
    private readonly state: JobState,
    private readonly host: JobHost,
    /** Shared by every schedule: due ticks start a few per event-loop turn, not all in one. */
    private readonly starts: StartQueue,
  ) {
    this.cron = new Cron(schedule.expression, { ...(schedule.timezone ? { timezone: schedule.timezone } : {}), paused: true });
  }

  start(): void {
    this.stopped = false;
    this.inTick = false;
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
    this.armNumber += 1;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextRunAt = null;
    this.cancelRetryWait();
  }

  private cancelRetryWait(): void {
    this.tickNumber += 1;
    if (!this.retryWait) return;
    clearTimeout(this.retryWait.timer);
    this.retryWait.resolve();
    this.retryWait = null;
  }

  private waitBeforeRetry(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.retryWait = null;
        resolve();
      }, ms);
      this.retryWait = { timer, resolve };
    });
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
      if (waitMs > maxTimerMs) return this.arm();
      const armNumber = this.armNumber;
      this.starts.push(() => {
        if (armNumber === this.armNumber) this.tick(next);
      });
    }, Math.min(waitMs, maxTimerMs));
  }

  private tick(scheduledFor: Date): void {
    this.state.recordTick(this.program.name, Date.now());
    // Arm the next tick first: a long run must not make the schedule drift.
    this.arm();
    if (this.inTick || this.host.isRunning()) {
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
          // The tick being replaced stops retrying; the new one starts once its run has stopped.
          this.cancelRetryWait();
          void this.host.stop().then(() => this.runWithRetries());
          return;
      }
    }
    void this.runWithRetries();
  }

  private async runWithRetries(): Promise<void> {
    const tries = this.schedule.times + 1;
    const tick = ++this.tickNumber;
    const current = () => !this.stopped && tick === this.tickNumber;
    const attempts: AttemptResult[] = [];
    let succeeded = false;
    let triesRun = 0;
    this.inTick = true;
    for (let attempt = 1; attempt <= tries && current(); attempt += 1) {
      if (attempt > 1) {
        const waitMs = retryDelayMs(this.schedule, attempt - 1);
        this.host.log('info', `retry: ${this.program.name} failed, run ${attempt} of ${tries} in ${(waitMs / 1000).toFixed(1)}s`);
        await this.waitBeforeRetry(waitMs);
        if (!current()) break;
      }
      const run = await this.host.run(attempt);
      triesRun = attempt;
      attempts.push(...run.results);
      if (run.ok) {
        succeeded = true;
        break;
      }
      if (attempt === tries) this.host.log('warn', `failed: ${this.program.name} run failed${tries > 1 ? ` after ${tries} attempts` : ''}`);
    }
    // A tick cut short by a stop or reload, or not run at all (shutdown), is neither a success nor a failure to report.
    if (attempts.length > 0 && (succeeded || triesRun === tries)) this.host.finished(succeeded, attempts);
    if (tick === this.tickNumber) this.inTick = false;
    if (this.queued && !this.stopped) {
      this.queued = false;
      await this.runWithRetries();
    }
  }
}
