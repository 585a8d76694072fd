import { EventEmitter } from 'node:events';
import { dirname, join } from 'node:path';
import { remoteCommunicationEvent, type RemoteCommunicationMessage } from '../contracts/process-events.js';
import type { ProcessInfo } from '../contracts/process-info.js';
import type { ActionResult, ProcessHistory, ProgramSummary, ReloadResult } from '../contracts/supervisor-api.js';
import type { ConfigOverrides } from '../config/parse-config.js';
import { parseSignal } from '../config/signals.js';
import type { ProgramConfig, SupervisorConfig } from '../config/types.js';
import { TaskmasterError } from '../contracts/errors.js';
import { EventLog } from '../engine/event-log.js';
import { exitReasonOf, failedByExit } from '../engine/failure-report.js';
import { ManagedProcess, type ProcessHost } from '../engine/managed-process.js';
import { ProcessTable, type ProgramEntry } from '../engine/process-table.js';
import { notifySocketPath } from '../engine/spawn-child.js';
import { runningStates, type ProcessState } from '../engine/state-machine.js';
import { stopInTiers } from '../engine/stop-in-tiers.js';
import { OutputFiles } from '../output/output-files.js';
import { StateFile } from '../output/state-file.js';
import { DependencyGates } from '../features/dependency-gates.js';
import { EventListenerLoader } from '../features/event-listeners/event-listener-loader.js';
import { FeatureRuntime } from '../features/feature-runtime.js';
import { PortAllocator } from '../features/port-allocator.js';
import { ProcessFeatures } from '../features/process-features.js';
import { reclaimPidFiles } from '../features/pid-file.js';
import { serviceUrlOf } from '../features/service-url.js';
import { VERSION } from '../version.js';
import { createFeatureHost, createProcessHost } from './process-host.js';
import { programSummary } from './program-summary.js';
import { eventLogOptions, Reloader } from './reloader.js';
import { StoppedByHand } from './stopped-by-hand.js';
import { SupervisorResources } from './supervisor-resources.js';

const settledAfterStart: readonly ProcessState[] = ['RUNNING', 'FATAL', 'STOPPED', 'EXITED'];
const settledAfterStop: readonly ProcessState[] = ['STOPPED', 'EXITED', 'FATAL'];

/**
 * The process table with the features around it: it decides which processes an action
 * concerns; every state change goes through a process's state machine.
 */
export class Supervisor extends EventEmitter {
  readonly table = new ProcessTable();
  readonly log: EventLog;
  readonly outputs: OutputFiles;
  /** What is kept across restarts of Taskmaster: `taskmaster-state.json` beside the event log. */
  readonly state: StateFile;
  /** What `stop` stopped stays stopped across restarts of Taskmaster, until started by hand. */
  readonly stoppedByHand: StoppedByHand;
  private shuttingDown = false;
  private shutdownPromise: Promise<void> | null = null;
  private readonly host: ProcessHost;
  readonly features: FeatureRuntime;
  readonly processFeatures: ProcessFeatures;
  readonly ports = new PortAllocator();
  /** supervisord's event listener protocol, fed by every state change and the supervisor's own events; loaded when a config needs it. */
  readonly eventListeners: EventListenerLoader;
  private readonly listenersLoaded: Promise<void>;
  /** Called on every state or pid change of a process, before anything else; keeps the leftover record. */
  onProcessChange: ((process: ManagedProcess) => void) | null = null;
  /** Processes a monitor is restarting: STOPPED for a moment, but a start is on its way. */
  private readonly restarting = new Set<ManagedProcess>();
  private readonly gates: DependencyGates;
  /** CPU, memory and restarts; /proc is read only while someone watches or scrapes. */
  readonly resources: SupervisorResources = new SupervisorResources({
    processes: () => this.table.processes(),
    find: (names) => this.table.find(names),
    programs: () => this.config.programs.values(),
    historyOf: (process) => this.processFeatures.historyOf(process),
    status: () => this.status(),
  });
  /** Reads the config and applies it: reload, supervisorctl's reread/update steps (stage, activate, deactivate), add/remove edits. */
  readonly reloader: Reloader;

  constructor(config: SupervisorConfig, overrides: ConfigOverrides = {}) {
    super();
    this.log = new EventLog(eventLogOptions(config));
    this.state = new StateFile(join(dirname(config.logFile), 'taskmaster-state.json'), (message) => this.log.warn(message));
    this.stoppedByHand = new StoppedByHand(this.state);
    this.outputs = new OutputFiles((level, message) => this.log.write(level, message, { event: 'output_file' }));
    this.processFeatures = new ProcessFeatures(this.log, this.ports, () => this.features, (process) => this.gates.reasonOf(process), notifySocketPath(config.socket), () => this.eventListeners);
    this.eventListeners = new EventListenerLoader({ log: this.log, processesOf: (name) => this.table.processesOf(name), identifier: () => this.identifier });
    this.host = createProcessHost(this, config, () => this.gates.notifyChange());
    this.features = new FeatureRuntime(createFeatureHost(this, (process, why) => this.restartProcess(process, why), () => this.gates.notifyChange()), this.state);
    for (const program of config.programs.values()) this.table.set(this.createEntry(program));
    this.gates = new DependencyGates({
      log: this.log,
      isShuttingDown: () => this.shuttingDown,
      processesOf: (name) => this.table.processesOf(name),
      healthOf: (process) => this.features.healthOf(process)?.health ?? null,
      isRestarting: (process) => this.restarting.has(process),
      start: (process) => void this.startOne(process),
    });
    this.reloader = new Reloader(this, config, overrides);
    this.listenersLoaded = this.eventListeners.ensure(config.programs.values()).then(() => this.eventListeners.current?.sync([...this.config.programs.values()]));
    this.on(remoteCommunicationEvent, (message: RemoteCommunicationMessage) => this.eventListeners.current?.remoteCommunication(message));
  }

  /** supervisord's `identifier` ([supervisord] identifier=, `-i`): getIdentification and the `server:` of event headers. */
  get identifier(): string {
    return this.config.supervisord?.identifier ?? 'supervisor';
  }

  get config(): SupervisorConfig {
    return this.reloader.config;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  createEntry(program: ProgramConfig): ProgramEntry {
    return { config: program, processes: Array.from({ length: program.numprocs }, (_, index) => this.createProcess(program, index)) };
  }

  createProcess(program: ProgramConfig, index: number): ManagedProcess {
    return new ManagedProcess(program, index, this.host);
  }

  /** Spawns every autostart program in priority order; only programs with dependencies wait. */
  startAutostart(): void {
    // A SIGTERM during start-up (while leftovers were being stopped) wins: nothing new starts.
    if (this.shuttingDown) return;
    // No program starts before the listeners can hear it.
    if (!this.eventListeners.isReadyFor(this.config.programs.values())) return void this.listenersLoaded.then(() => this.startAutostart());
    this.log.info(`taskmaster ${VERSION} started with pid ${process.pid}`);
    this.features.syncSchedules([...this.config.programs.values()]);
    this.eventListeners.current?.supervisorStarted([...new Set(this.table.ordered().map(({ config }) => config.group))]);
    reclaimPidFiles(this.table.processes(), this.log);
    this.autostart(this.stoppedByHand.holdBack(this.table.ordered(), this.log));
  }

  autostart(entries: readonly ProgramEntry[]): void {
    for (const entry of entries) {
      if (!entry.config.autostart) continue;
      if (entry.config.dependsOn.length > 0) {
        for (const process of entry.processes) void this.startOne(process);
      } else {
        for (const process of entry.processes) process.dispatch({ type: 'start' });
      }
    }
  }

  /** A process's status, with what the features around the engine know of it. */
  infoOf(process: ManagedProcess, nowMs = Date.now()): ProcessInfo {
    const health = this.features.healthOf(process);
    const lastRun = this.processFeatures.historyOf(process).last() ?? null;
    const info = process.info(nowMs);
    // Onto the fresh info, not a spread: a spread then more keys is V8's slow path (~10 ms for 1000 processes).
    return Object.assign(info, { url: serviceUrlOf(process.program, info.port), health: health?.health ?? null, nextRunAt: this.features.nextRunOf(process.program.name), lastRun }, this.resources.fieldsOf(process, nowMs));
  }

  status(names: readonly string[] = []): ProcessInfo[] {
    const processes = names.length === 0 ? this.table.processes() : this.table.find(names);
    const now = Date.now();
    return processes.map((process) => this.infoOf(process, now));
  }

  /** The last runs of a process: start, duration, how it ended. */
  history(name: string): ProcessHistory[] {
    return this.table.find([name]).map((process) => ({ name: process.fullName, runs: this.processFeatures.historyOf(process).list() }));
  }

  private async startOne(process: ManagedProcess): Promise<ActionResult> {
    if (process.program.dependsOn.length > 0 && !runningStates.includes(process.state)) {
      const verdict = await this.gates.gateFor(process).settled();
      if (verdict === null) {
        return { name: process.fullName, ok: false, state: process.state, message: this.shuttingDown ? 'shutting down' : 'stopped while waiting for its dependencies' };
      }
      if (verdict.kind !== 'met') {
        return { name: process.fullName, ok: false, state: process.state, message: verdict.kind === 'stalled' ? `not started yet: ${verdict.text}` : verdict.text };
      }
      // The gate has started it; what is left is to wait for the start to settle.
    } else if (!process.dispatch({ type: 'start' }).accepted) {
      return { name: process.fullName, ok: true, state: process.state, message: 'already started' };
    }
    const snapshot = await process.waitFor((current) => settledAfterStart.includes(current.state));
    const ok = snapshot.state === 'RUNNING';
    // A start that ended FATAL after runs says how the last one ended: `spawn error: Exited too quickly (exit status 3)`.
    const ended = failedByExit(snapshot) ? ` (${exitReasonOf(snapshot)})` : '';
    const message = ok ? 'started' : snapshot.state === 'FATAL' ? `spawn error: ${snapshot.spawnError ?? 'gave up'}${ended}` : `ended ${snapshot.state}`;
    return { name: process.fullName, ok, state: snapshot.state, message };
  }

  private async stopOne(process: ManagedProcess): Promise<ActionResult> {
    this.gates.cancel(process);
    const result = process.dispatch({ type: 'stop' });
    if (!result.accepted) {
      return { name: process.fullName, ok: true, state: process.state, message: 'not running' };
    }
    const snapshot = await process.waitFor((current) => settledAfterStop.includes(current.state));
    // Returns once its files hold everything it wrote, up to its last byte.
    await process.output.settled();
    return { name: process.fullName, ok: true, state: snapshot.state, message: 'stopped' };
  }

  stopAll(processes: readonly ManagedProcess[]): Promise<ActionResult[]> {
    return stopInTiers(processes, (name) => this.table.dependencyDepth(name), (process) => this.stopOne(process));
  }

  /** Restarts one process for a monitor (unhealthy, stale heartbeat). */
  private async restartProcess(process: ManagedProcess, why: string): Promise<void> {
    this.log.warn(`restarting ${process.fullName}: ${why}`, { event: 'restart', process: process.fullName, pid: process.snapshot.pid });
    this.restarting.add(process);
    try {
      await this.stopOne(process);
      if (!this.shuttingDown) process.dispatch({ type: 'start' });
    } finally {
      this.restarting.delete(process);
    }
  }

  refuseWhileShuttingDown(): void {
    if (this.shuttingDown) throw new TaskmasterError('E_SHUTTING_DOWN', 'taskmaster is shutting down');
  }

  start(names: readonly string[]): Promise<ActionResult[]> {
    this.refuseWhileShuttingDown();
    const processes = this.table.find(names);
    this.stoppedByHand.clear(processes.map((process) => process.fullName));
    return Promise.all(processes.map((process) => this.startOne(process)));
  }

  stop(names: readonly string[]): Promise<ActionResult[]> {
    const processes = this.table.find(names);
    this.stoppedByHand.mark(processes.map((process) => process.fullName));
    return this.stopAll(processes);
  }

  async restart(names: readonly string[]): Promise<ActionResult[]> {
    this.refuseWhileShuttingDown();
    const processes = this.table.find(names);
    this.stoppedByHand.clear(processes.map((process) => process.fullName));
    await this.stopAll(processes);
    return Promise.all(processes.map((process) => this.startOne(process)));
  }

  signal(signalName: string, names: readonly string[]): ActionResult[] {
    const signal = parseSignal(signalName);
    if (!signal) throw new TaskmasterError('E_BAD_SIGNAL', `unknown signal ${signalName}`);
    return this.table.find(names).map((process) => {
      const sent = process.signal(signal);
      return { name: process.fullName, ok: sent, state: process.state, message: sent ? `sent ${signal}` : 'not running' };
    });
  }

  avail(): ProgramSummary[] {
    const inUse = this.table.ordered().map(({ config, processes }) => programSummary(config, processes, true));
    return [...inUse, ...this.reloader.stagedOnly().map((program) => programSummary(program, [], false))];
  }

  /** Reopens the event log and every output file by name, for logrotate (SIGUSR2). */
  reopenLogs(): void {
    this.log.reopen();
    this.outputs.reopenAll();
  }

  reread(): Promise<ReloadResult> {
    return this.reloader.reread();
  }

  /** Re-reads the config and applies the difference; a config with any error changes nothing. */
  reload(): Promise<ReloadResult> {
    return this.reloader.reload();
  }

  /** Stops the monitors and frees the ports of processes that go away. */
  releaseProcesses(processes: readonly ManagedProcess[]): void {
    this.features.forget(processes);
    for (const process of processes) this.ports.release(process);
  }

  /** Stops everything in reverse priority order and closes the logs; safe to call twice. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.shutdownNow();
    return this.shutdownPromise;
  }

  private async shutdownNow(): Promise<void> {
    this.shuttingDown = true;
    this.eventListeners.current?.supervisorStopping();
    this.gates.cancelAll();
    this.features.stopAll();
    this.log.info('shutting down: stopping all processes');
    const running = this.table.processes().filter((process) => runningStates.includes(process.state));
    // Event listeners stop last (supervisord gives them priority -1), so they hear the others stop.
    await this.stopAll(running.filter((process) => process.program.listener === null));
    await this.stopAll(running.filter((process) => process.program.listener !== null));
    // Processes that ended by themselves may still have output in their pipes.
    await Promise.all(this.table.processes().map((process) => process.output.settled()));
    await this.outputs.closeAll();
    this.processFeatures.close();
    this.state.flush();
    this.eventListeners.current?.close();
    this.log.info('taskmaster stopped');
    // The log stays open for what the front ends still say while they close (the end of a login burst).
    this.emit('shutdown');
  }
}
