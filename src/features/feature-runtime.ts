import { isDeepStrictEqual } from 'node:util';
import type { ProgramConfig } from '../config/types.js';
import type { EventLog } from '../engine/event-log.js';
import type { ManagedProcess } from '../engine/managed-process.js';
import { runningStates, type ProcessState } from '../engine/state-machine.js';
import { HealthMonitor, type Health } from './health-monitor.js';
import { HeartbeatMonitor } from './heartbeat-monitor.js';
import { JobScheduler } from './job-scheduler.js';
import { JobState } from './job-state.js';
import { Notifier } from './notifier.js';
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
  readonly notifier: Notifier;
  private readonly jobState: JobState;
  /** The ended runs of every process, kept in the state file for `history`. */
  readonly runs: RunHistoryStore;

  constructor(
    private readonly host: FeatureHost,
    state: StateFile,
  ) {
    this.notifier = new Notifier((level, message) => host.log.write(level, message, { event: 'notify' }));
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
              this.notifier.notify(process.program, 'unhealthy', { process: process.fullName, pid: process.snapshot.pid, message: `${process.fullName} is unhealthy: ${detail}` });
              if (process.program.healthcheck?.onUnhealthy === 'restart' && this.host.mayRestart()) {
                void this.host.restartProcess(process, `unhealthy (${detail})`);
              }
            },
          })
        : null,
      heartbeat: program.heartbeat
        ? new HeartbeatMonitor(program.heartbeat, (ageMs) => {
            this.host.log.warn(`heartbeat: ${process.fullName} has not touched ${program.heartbeat!.file} for ${Math.round(ageMs / 1000)}s, restarting it`, { event: 'heartbeat_stale', process: process.fullName, pid: process.snapshot.pid });
            if (this.host.mayRestart()) void this.host.restartProcess(process, 'stale heartbeat');
          })
        : null,
    };
    this.monitors.set(process, monitors);
    return monitors;
  }

  /** Called on every state change: monitors follow RUNNING, alerts follow failures. */
  onStateChange(process: ManagedProcess, previous: ProcessState): void {
    const { state, exitExpected, timedOut, pid, spawnError, backoffKind, resourceRetries } = process.snapshot;
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
    if (process.program.notify === null) return;
    const notice = (message: string) => ({ process: process.fullName, pid: pid ?? null, message });
    if (state === 'FATAL') this.notifier.notify(process.program, 'fatal', notice(`${process.fullName} entered FATAL: ${spawnError ?? 'too many start retries'}`));
    // An outage of descriptors retries every few seconds: one alert for it, not one per retry.
    else if (state === 'BACKOFF' && (backoffKind !== 'resources' || resourceRetries === 1)) this.notifier.notify(process.program, 'backoff', notice(`${process.fullName} ${backoffKind === 'crash_loop' ? 'is in a crash loop' : 'failed to start'} and will retry${spawnError ? `: ${spawnError}` : ''}`));
    else if (state === 'STOPPING' && timedOut) this.notifier.notify(process.program, 'timeout', notice(`${process.fullName} ran longer than its timeout`));
    else if (state === 'EXITED' && exitExpected === false && !timedOut) this.notifier.notify(process.program, 'unexpected_exit', notice(`${process.fullName} exited unexpectedly`));
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
        run: () => this.runJob(program.name),
        stop: async () => {
          await Promise.all(this.host.processesOf(program.name).map(async (process) => {
            if (process.dispatch({ type: 'stop' }).accepted) await process.waitFor((snapshot) => runEnded.includes(snapshot.state));
          }));
        },
        log: (level, message) => this.host.log.write(level, message, { event: 'schedule', process: program.name }),
      });
      this.schedulers.set(program.name, scheduler);
      scheduler.start();
    }
  }

  private async runJob(programName: string): Promise<boolean> {
    if (!this.host.mayRestart()) return true;
    const results = await Promise.all(this.host.processesOf(programName).map(async (process) => {
      process.dispatch({ type: 'start' });
      const snapshot = await process.waitFor((current) => runEnded.includes(current.state));
      return snapshot.state === 'EXITED' && snapshot.exitExpected === true;
    }));
    return results.every(Boolean);
  }

  stopAll(): void {
    for (const scheduler of this.schedulers.values()) scheduler.stop();
    this.schedulers.clear();
    this.forget([...this.monitors.keys()]);
  }
}
