import type { EventLog } from '../engine/event-log.js';
import type { ManagedProcess } from '../engine/managed-process.js';
import type { ProcessExtensions, RunEnd } from '../engine/process-extensions.js';
import { formatTimestamp } from '../output/format-time.js';
import type { FeatureRuntime } from './feature-runtime.js';
import type { PortAllocator } from './port-allocator.js';
import type { NotifyReceiver } from './notify-receiver.js';
import { removePidFile, writePidFile } from './pid-file.js';
import { ReadyChecks } from './ready-checks.js';
import { RunHistory } from './run-history.js';
import { runPoststop, runPrestart } from './spawn-hooks.js';

/** The features that plug into each process's life through the engine's one port. */
export class ProcessFeatures implements ProcessExtensions {
  private readonly histories = new WeakMap<ManagedProcess, RunHistory>();
  private notifyReceiver: NotifyReceiver | null = null;
  private readonly readyChecks = new ReadyChecks(() => this.receiver());

  constructor(
    private readonly log: EventLog,
    private readonly ports: PortAllocator,
    private readonly runtime: () => FeatureRuntime,
    private readonly dependencyWait: (process: ManagedProcess) => string | null,
    private readonly notifySocket: string,
  ) {}

  /** One NOTIFY_SOCKET for the whole supervisor, bound by beforeSpawn of the first `ready: notify` process. */
  private receiver(): NotifyReceiver {
    if (!this.notifyReceiver) throw new Error('the NOTIFY_SOCKET is opened before a ready: notify spawn');
    return this.notifyReceiver;
  }

  // Loaded on first use: one module fewer opened at start, where a low descriptor limit is tightest.
  private async openReceiver(): Promise<void> {
    const { NotifyReceiver } = await import('./notify-receiver.js');
    this.notifyReceiver ??= new NotifyReceiver(this.notifySocket);
    this.notifyReceiver.open();
  }

  /** Closes the NOTIFY_SOCKET, when one was bound. */
  close(): void {
    this.notifyReceiver?.close();
  }

  historyOf(process: ManagedProcess): RunHistory {
    let history = this.histories.get(process);
    if (!history) {
      history = new RunHistory();
      this.histories.set(process, history);
    }
    return history;
  }

  needsPreparation(process: ManagedProcess): boolean {
    return process.program.port !== null || process.program.prestart !== null || process.program.ready?.probe.kind === 'notify';
  }

  async beforeSpawn(process: ManagedProcess): Promise<void> {
    // Bound before the child runs, so that its READY=1 has somewhere to go; a missing addon fails the start with why.
    if (process.program.ready?.probe.kind === 'notify') await this.openReceiver();
    if (process.program.port !== null) process.port = await this.ports.acquire(process, process.program.port, process.port);
    await runPrestart(process);
  }

  afterSpawn(process: ManagedProcess, startedAtMs: number): void {
    this.historyOf(process).started(startedAtMs);
    if (process.program.pidFile !== null && process.spawnedPid !== null) writePidFile(process, process.spawnedPid, this.log);
  }

  afterExit(process: ManagedProcess, run: RunEnd): void {
    if (process.program.pidFile !== null) removePidFile(process, process.spawnedPid);
    this.historyOf(process).ended(Date.now(), run.exitCode, run.signal, run.result);
    runPoststop(process, this.log);
  }

  startReady(process: ManagedProcess, passed: () => void): void {
    this.readyChecks.start(process, passed);
  }

  stopReady(process: ManagedProcess): void {
    this.readyChecks.stop(process);
  }

  readyDetail(process: ManagedProcess): string | null {
    return this.readyChecks.detailOf(process);
  }

  blockedReason(process: ManagedProcess): string | null {
    return this.dependencyWait(process);
  }

  statusNotes(process: ManagedProcess): readonly string[] {
    const runtime = this.runtime();
    const health = runtime.healthOf(process);
    const nextRunAt = runtime.nextRunOf(process.program.name);
    const notes: string[] = [];
    if (health) notes.push(`${health.health}${health.health === 'healthy' || !health.detail ? '' : ` (${health.detail})`}`);
    if (process.port !== null) notes.push(`port ${process.port}`);
    if (nextRunAt !== null) notes.push(`next run ${formatTimestamp(new Date(nextRunAt)).slice(0, 19)}`);
    const lastRun = this.historyOf(process).last();
    if (process.program.schedule !== null && lastRun && lastRun.result !== 'running') notes.push(`last run ${lastRun.result} (${lastRun.signal ?? `exit ${lastRun.exitCode}`}, ${((lastRun.durationMs ?? 0) / 1000).toFixed(1)}s)`);
    return notes;
  }
}
