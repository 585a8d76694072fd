import { isDeepStrictEqual } from 'node:util';
import type { ProgramConfig } from '../config/types.js';
import type { EventLog } from '../engine/event-log.js';
import type { ManagedProcess } from '../engine/managed-process.js';
import { runningStates, type ProcessState } from '../engine/state-machine.js';
import { HealthMonitor, type Health } from './health-monitor.js';
import { HeartbeatMonitor } from './heartbeat-monitor.js';
import type { AttemptResult } from './alert.js';
import { JobScheduler, type JobRun } from './job-scheduler.js';
import { StartQueue } from './start-queue.js';
import { JobState } from './job-state.js';
import { LazyAlerts } from './lazy-alerts.js';
import { runResultOf } from '../engine/process-extensions.js';
import type { StateFile } from '../output/state-file.js';
import { RunHistoryStore } from './run-history-store.js';

export interface FeatureHost {
  readonly log: EventLog;
  mayRestart(): boolean;
  restartProcess(process: ManagedProcess, why: string): Promise<void>;
  processesOf(programName: string): readonly ManagedProcess[];
  onHealthChange(process: ManagedProcess): void;
}

interface Monitors {
  health: HealthMonitor | null;
  heartbeat: HeartbeatMonitor | null;
}

const runEnded: readonly ProcessState[] = ['EXITED', 'FATAL', 'STOPPED'];

/** Health checks, heartbeats, schedules and alerts around the core engine. */
export class FeatureRuntime {
  private readonly monitors = new Map<ManagedProcess, Monitors>();
  private readonly schedulers = new Map<string, JobScheduler>();
  private readonly scheduledStarts = new StartQueue();
  private readonly alerts: LazyAlerts;
  private readonly jobState: JobState;
  /** The ended runs of every process, kept in the state file for `history`. */
  readonly runs: RunHistoryStore;

  constructor(
    private readonly host: FeatureHost,
    state: StateFile,
  ) {
    this.alerts = new LazyAlerts((level, message) => host.log.write(level, message, { event: 'notify' }));
    this.jobState = new JobState(state);
    this.runs = new RunHistoryStore(state);
  }

  private monitorsOf(process: ManagedProcess): Monitors {
    let monitors = this.monitors.get(process);
    if (monitors) return monitors;
    const program = process.program;
    const probeContext = () => ({ timeoutMs: 0, env: process.environment(), cwd: process.program.workingDir ?? undefined, port: process.port, user: process.program.user });
    monitors = {
      health: program.healthcheck
        ? new HealthMonitor(program.healthcheck, probeContext, {
            onChange: (health, detail) => {
              this.host.log.write(health === 'unhealthy' ? 'warn' : 'info', `health: ${process.fullName} is ${health}${detail ? ` (${detail})` : ''}`, { event: 'health', process: process.fullName, pid: process.snapshot.pid, fields: { health } });
              this.host.onHealthChange(process);
            },
            onUnhealthy: (detail) => {
              if (process.program.healthcheck?.onUnhealthy === 'restart' && this.host.mayRestart()) {
                const pid = process.snapshot.pid;
                if (process.program.notify) this.alerts.use((alerts) => alerts.restarting(process, pid, 'health_restart', `unhealthy (${detail})`));
                void this.host.restartProcess(process, `unhealthy (${detail})`);
              } else {
                const snapshot = process.snapshot;
                if (process.program.notify) this.alerts.use((alerts) => alerts.unhealthy(process, snapshot, detail));
              }
            },
          })
        : null,
      heartbeat: program.heartbeat
        ? new HeartbeatMonitor(program.heartbeat, (ageMs) => {
            const why = `stale heartbeat (${program.heartbeat!.file} not touched for ${Math.round(ageMs / 1000)}s)`;
            this.host.log.warn(`heartbeat: ${process.fullName} has not touched ${program.heartbeat!.file} for ${Math.round(ageMs / 1000)}s, restarting it`, { event: 'heartbeat_stale', process: process.fullName, pid: process.snapshot.pid });
            if (!this.host.mayRestart()) return;
            const pid = process.snapshot.pid;
            if (process.program.notify) this.alerts.use((alerts) => alerts.restarting(process, pid, 'heartbeat_restart', why));
            void this.host.restartProcess(process, 'stale heartbeat');
          })
        : null,
    };
    this.monitors.set(process, monitors);
    return monitors;
  }

  /** Called on every state change: monitors follow RUNNING, alerts follow failures. */
  onStateChange(process: ManagedProcess, previous: ProcessState): void {
    const state = process.snapshot.state;
    const needsMonitors = process.program.healthcheck !== null || process.program.heartbeat !== null || this.monitors.has(process);
    if (needsMonitors) {
      const monitors = this.monitorsOf(process);
      if (state === 'RUNNING') {
        monitors.health?.start();
        monitors.heartbeat?.start();
      } else if (previous === 'RUNNING') {
        monitors.health?.stop();
        monitors.heartbeat?.stop();
      }
    }
    const snapshot = process.snapshot;
    if (process.program.notify) this.alerts.use((alerts) => alerts.onStateChange(process, snapshot, previous));
  }

  healthOf(process: ManagedProcess): { health: Health; detail: string } | null {
    const health = this.monitors.get(process)?.health;
    if (!health || process.snapshot.state !== 'RUNNING') return null;
    return { health: health.health, detail: health.detail };
  }

  nextRunOf(programName: string): number | null {
    return this.schedulers.get(programName)?.nextRunAt ?? null;
  }

  /** Stops the monitors of processes that go away or whose checks changed. */
  forget(processes: readonly ManagedProcess[]): void {
    for (const process of processes) {
      const monitors = this.monitors.get(process);
      monitors?.health?.stop();
      monitors?.heartbeat?.stop();
      this.monitors.delete(process);
    }
  }

  /** Starts monitors afresh for running processes (after their checks changed on reload). */
  refresh(processes: readonly ManagedProcess[]): void {
    this.forget(processes);
    for (const process of processes) if (process.state === 'RUNNING') this.onStateChange(process, 'STARTING');
  }

  /**
   * Makes the running schedules match the programs: new ones armed, changed ones re-armed, and
   * unchanged ones left alone, so a reload keeps their jitter, queued run and retries.
   */
  syncSchedules(programs: readonly ProgramConfig[]): void {
    const wanted = new Map(programs.filter((program) => program.schedule !== null).map((program) => [program.name, program]));
    for (const [name, scheduler] of this.schedulers) {
      if (isDeepStrictEqual(wanted.get(name)?.schedule, scheduler.schedule)) {
        wanted.delete(name);
        continue;
      }
      scheduler.stop();
      this.schedulers.delete(name);
    }
    for (const program of wanted.values()) {
      const scheduler = new JobScheduler(program, program.schedule!, this.jobState, {
        isRunning: () => this.host.processesOf(program.name).some((process) => runningStates.includes(process.state)),
        run: (attempt) => this.runJob(program.name, attempt),
        stop: async () => {
          await Promise.all(this.host.processesOf(program.name).map(async (process) => {
            if (process.dispatch({ type: 'stop' }).accepted) await process.waitFor((snapshot) => runEnded.includes(snapshot.state));
          }));
        },
        log: (level, message) => this.host.log.write(level, message, { event: 'schedule', process: program.name }),
        finished: (succeeded, attempts) => {
          const current = this.host.processesOf(program.name)[0]?.program ?? program;
          if (current.notify) this.alerts.use((alerts) => alerts.jobFinished(current, succeeded, attempts));
        },
      }, this.scheduledStarts);
      this.schedulers.set(program.name, scheduler);
      scheduler.start();
    }
  }

  private async runJob(programName: string, attempt: number): Promise<JobRun> {
    if (!this.host.mayRestart()) return { ok: true, results: [] };
    const results: (AttemptResult | AttemptResult['result'])[] = await Promise.all(this.host.processesOf(programName).map(async (process) => {
      process.dispatch({ type: 'start' });
      const startedAtMs = Date.now();
      const snapshot = await process.waitFor((current) => runEnded.includes(current.state));
      const result = (snapshot.state === 'FATAL' ? 'failure' : runResultOf(snapshot)) as AttemptResult['result'];
      // The details of each try are gathered only for a job that sends alerts.
      return process.program.notify ? this.alerts.get((alerts) => alerts.attemptResult(process, snapshot, attempt, startedAtMs, result)) : result;
    }));
    const ok = results.every((entry) => (typeof entry === 'string' ? entry : entry.result) === 'success');
    return { ok, results: results.filter((entry): entry is AttemptResult => typeof entry !== 'string') };
  }

  stopAll(): void {
    for (const scheduler of this.schedulers.values()) scheduler.stop();
    this.schedulers.clear();
    this.forget([...this.monitors.keys()]);
    this.alerts.close();
  }
}
