import type { ProgramConfig } from '../config/types.js';
import type { Readable } from 'node:stream';
import type { EventLog } from '../engine/event-log.js';
import { lookupUser, type UserEntry } from '../engine/user-lookup.js';
import type { ManagedProcess } from '../engine/managed-process.js';
import type { TerminalStrategy } from '../engine/child-handle.js';
import type { ProcessExtensions, RunEnd } from '../engine/process-extensions.js';
import { formatTimestamp } from '../output/format-time.js';
import type { EventListenerLoader } from './event-listeners/event-listener-loader.js';
import type { FeatureRuntime } from './feature-runtime.js';
import type { PortAllocator } from './port-allocator.js';
import type { ListenSockets } from './listen-sockets.js';
import type { NotifyReceiver } from './notify-receiver.js';
import { ReadyChecks } from './ready-checks.js';
import { keptLinesPerRun, RunHistory } from './run-history.js';
import { runPoststop, runPrestart } from './spawn-hooks.js';

/** The user a program runs as, when it names one that exists; the spawn reports a bad one itself. */
function userOf(program: ProgramConfig): UserEntry | undefined {
  if (program.user === null) return undefined;
  try {
    return lookupUser(program.user);
  } catch {
    return undefined;
  }
}

/** The features that plug into each process's life through the engine's one port. */
export class ProcessFeatures implements ProcessExtensions {
  private readonly histories = new WeakMap<ManagedProcess, RunHistory>();
  private notifyReceiver: NotifyReceiver | null = null;
  private listenSockets: ListenSockets | null = null;
  private readonly readyChecks = new ReadyChecks(() => this.receiver());
  private ptyStrategy: TerminalStrategy | null = null;

  constructor(
    private readonly log: EventLog,
    private readonly ports: PortAllocator,
    private readonly runtime: () => FeatureRuntime,
    private readonly dependencyWait: (process: ManagedProcess) => string | null,
    private readonly notifySocket: string,
    private readonly listeners: () => EventListenerLoader,
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

  // Loaded on first use, like the receiver: most configs have no sockets.
  private async sockets(): Promise<ListenSockets> {
    const { ListenSockets } = await import('./listen-sockets.js');
    this.listenSockets ??= new ListenSockets((level, message) => this.log.write(level, message, { event: 'socket' }));
    return this.listenSockets;
  }

  /** Closes the sockets no program of `programs` listens on any more (after a reload stopped their programs). */
  retainSockets(programs: Iterable<ProgramConfig>): void {
    this.listenSockets?.retain(programs);
  }

  // The pty library and its addon load with the first `tty: true` spawn; a failure fails that start with why.
  private async loadPty(): Promise<void> {
    if (this.ptyStrategy) return;
    const { loadPtyStrategy } = await import('./pty-spawner.js');
    try {
      this.ptyStrategy = loadPtyStrategy();
    } catch (error) {
      throw new Error(`couldn't load the pty library for tty: true (${(error as Error).message.split('\n')[0]}); reinstall taskmaster's dependencies with npm ci`);
    }
  }

  terminals(): TerminalStrategy {
    if (!this.ptyStrategy) throw new Error('the pty library loads in beforeSpawn of a tty: true process');
    return this.ptyStrategy;
  }

  /** Closes the NOTIFY_SOCKET and the listening sockets, when some were bound. */
  close(): void {
    this.notifyReceiver?.close();
    this.listenSockets?.closeAll();
  }

  historyOf(process: ManagedProcess): RunHistory {
    let history = this.histories.get(process);
    if (!history) {
      history = new RunHistory(this.runtime().runs, () => process.fullName);
      this.histories.set(process, history);
    }
    return history;
  }

  needsPreparation(process: ManagedProcess): boolean {
    const { program } = process;
    return program.port !== null || program.prestart !== null || program.ready?.probe.kind === 'notify' || program.sockets.length > 0 || program.listener !== null || (program.tty && this.ptyStrategy === null);
  }

  async beforeSpawn(process: ManagedProcess): Promise<void> {
    // Bound before the child runs, so that its READY=1 has somewhere to go; a missing addon fails the start with why.
    if (process.program.ready?.probe.kind === 'notify') {
      await this.openReceiver();
      process.prepared.notifySocket = this.receiver().pathFor(userOf(process.program));
    }
    if (process.program.sockets.length > 0) process.prepared.sockets = (await this.sockets()).acquire(process.program);
    // A listener's stdout needs the feature that reads its protocol, loaded on first need.
    if (process.program.listener !== null) await this.listeners().ensure([process.program]);
    if (process.program.tty) await this.loadPty();
    if (process.program.port !== null) process.port = await this.ports.acquire(process, process.program.port, process.port);
    await runPrestart(process);
  }

  afterSpawn(process: ManagedProcess, startedAtMs: number): void {
    this.historyOf(process).started(startedAtMs);
  }

  afterExit(process: ManagedProcess, run: RunEnd): void {
    const history = this.historyOf(process);
    const ended = history.ended(Date.now(), run.exitCode, run.signal, run.result);
    // A failed run keeps its last words, read once its pipes have ended.
    if (ended && (ended.result === 'failure' || ended.result === 'timeout')) void run.output.lastSettled(keptLinesPerRun).then((output) => history.addLines(ended, output.lines));
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

  stdoutChannel(process: ManagedProcess): ((stdout: Readable) => void) | null {
    return this.listeners().current?.stdoutChannel(process) ?? null;
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
