import type { NotifyEvent, ProgramConfig } from '../config/types.js';
import type { ManagedProcess } from '../engine/managed-process.js';
import type { ProcessSnapshot, ProcessState } from '../engine/state-machine.js';
import type { AttemptResult } from './alert.js';
import { describeFailure } from './describe-failure.js';
import type { DeliveryLog } from './alert-delivery.js';
import { Notifier } from './notifier.js';

type RestartEvent = Extract<NotifyEvent, 'health_restart' | 'heartbeat_restart'>;

/** A restart a monitor asked for: its alert goes once the run it ends has ended, with that exit. */
interface PendingRestart {
  readonly event: RestartEvent;
  readonly why: string;
  /** The run it restarts: a restart that found no run to stop must not blame the next one. */
  readonly pid: number | null;
}

const ended: readonly ProcessState[] = ['EXITED', 'STOPPED', 'FATAL', 'BACKOFF'];

/** Turns what happens to processes into alerts: the facts of each failure, gathered off supervision's path. */
export class ProcessAlerts {
  /** The pid of each process's latest run: the snapshot forgets it once the run ends. */
  private readonly lastPids = new WeakMap<ManagedProcess, number>();
  private readonly failuresInRow = new WeakMap<ManagedProcess, number>();
  private readonly pendingRestarts = new WeakMap<ManagedProcess, PendingRestart>();

  private readonly notifier: Notifier;

  constructor(log: DeliveryLog) {
    this.notifier = new Notifier(log);
  }

  /** At shutdown: held alerts go out, an outage still going on is logged. */
  close(): void {
    this.notifier.close();
  }

  lastPidOf(process: ManagedProcess): number | null {
    return this.lastPids.get(process) ?? null;
  }

  /** The pid of the run an alert is about: the live one, else the last; none for a spawn that failed. */
  private runPidOf(process: ManagedProcess, snapshot: ProcessSnapshot): number | null {
    const { pid, exitCode, signal, spawnError } = snapshot;
    if (pid !== null) return pid;
    const neverRan = exitCode === null && signal === null && spawnError !== null;
    return neverRan ? null : this.lastPidOf(process);
  }

  /** A monitor is about to restart the process's run `pid`. */
  restarting(process: ManagedProcess, pid: number | null, event: RestartEvent, why: string): void {
    this.pendingRestarts.set(process, { event, why, pid });
  }

  /** Takes the snapshot of the change: it may be handled after the process has moved on. */
  onStateChange(process: ManagedProcess, snapshot: ProcessSnapshot, previous: ProcessState): void {
    if (snapshot.pid !== null) this.lastPids.set(process, snapshot.pid);
    const pending = this.pendingRestarts.get(process);
    if (pending && (ended.includes(snapshot.state) || pending.pid !== this.lastPidOf(process))) {
      this.pendingRestarts.delete(process);
      if (pending.pid === this.lastPidOf(process)) {
        this.alert(process, snapshot, pending.event, `${process.fullName} was restarted: ${pending.why}`, pending.why);
        return;
      }
    }
    if (snapshot.state === 'STOPPED' || (snapshot.state === 'EXITED' && snapshot.exitExpected === true)) this.failuresInRow.delete(process);
    // A job's tries are reported together, as job_failed or job_succeeded, when its tick is over.
    if (process.program.schedule !== null || process.program.notify === null) return;
    const found = alertOf(process, snapshot, previous);
    if (found) this.alert(process, snapshot, found.event, found.message, found.why);
  }

  unhealthy(process: ManagedProcess, snapshot: ProcessSnapshot, detail: string): void {
    this.alert(process, snapshot, 'unhealthy', `${process.fullName} is unhealthy: ${detail}`, `unhealthy (${detail})`, false);
  }

  /** How one run of a job went, for the list that job_failed carries. */
  async attemptResult(process: ManagedProcess, snapshot: ProcessSnapshot, attempt: number, startedAtMs: number | null, result: AttemptResult['result']): Promise<AttemptResult> {
    const detail = await describeFailure(process, snapshot, this.runPidOf(process, snapshot), result === 'timeout' ? 'timed out' : null);
    return { attempt, process: process.fullName, result, startedAt: startedAtMs === null ? null : new Date(startedAtMs).toISOString(), endedAt: new Date().toISOString(), ...detail };
  }

  jobFinished(program: ProgramConfig, succeeded: boolean, attempts: readonly AttemptResult[]): void {
    const event = succeeded ? 'job_succeeded' : 'job_failed';
    if (attempts.length === 0 || !this.notifier.wants(program, event)) return;
    const last = attempts.filter((attempt) => succeeded || attempt.result !== 'success').at(-1) ?? attempts.at(-1)!;
    const tries = Math.max(...attempts.map((attempt) => attempt.attempt));
    const message = succeeded ? `${program.name} succeeded${tries > 1 ? ` at attempt ${tries}` : ''}` : `${program.name} failed${tries > 1 ? ` after ${tries} attempts` : ''}`;
    const { pid, exitCode, signal, reason, lastLines } = last;
    this.notifier.send(program, { event, process: program.name, group: program.group, pid, exitCode, signal, reason, lastLines, attempt: tries, message, attempts });
  }

  private alert(process: ManagedProcess, snapshot: ProcessSnapshot, event: NotifyEvent, message: string, why: string | null, counts = true): void {
    if (!this.notifier.wants(process.program, event)) return;
    const attempt = (this.failuresInRow.get(process) ?? 0) + (counts ? 1 : 0);
    if (counts) this.failuresInRow.set(process, attempt);
    // The last lines come once the pipes have drained; the supervision path does not wait for them.
    void describeFailure(process, snapshot, this.runPidOf(process, snapshot), why).then((detail) => {
      this.notifier.send(process.program, { event, process: process.fullName, group: process.program.group, attempt: Math.max(attempt, 1), message, ...detail });
    });
  }
}

/** Which alert a change of state calls for, if any. */
function alertOf(process: ManagedProcess, snapshot: ProcessSnapshot, previous: ProcessState): { event: NotifyEvent; message: string; why: string | null } | null {
  const { state, exitExpected, timedOut, spawnError, backoffKind, resourceRetries } = snapshot;
  const name = process.fullName;
  if (state === 'FATAL') return { event: 'fatal', message: `${name} entered FATAL: ${spawnError ?? 'too many start retries'}`, why: spawnError ?? 'too many start retries' };
  // An outage of descriptors retries every few seconds: one alert for it, not one per retry.
  if (state === 'BACKOFF' && (backoffKind !== 'resources' || resourceRetries === 1)) {
    return { event: 'backoff', message: `${name} ${backoffKind === 'crash_loop' ? 'is in a crash loop' : 'failed to start'} and will retry${spawnError ? `: ${spawnError}` : ''}`, why: backoffKind === 'crash_loop' ? 'crash loop' : 'failed to start' };
  }
  if (state === 'STOPPING' && timedOut && previous !== 'STOPPING') return { event: 'timeout', message: `${name} ran longer than its timeout`, why: 'timed out' };
  if (state === 'EXITED' && exitExpected === false && !timedOut) return { event: 'unexpected_exit', message: `${name} exited unexpectedly`, why: null };
  return null;
}
