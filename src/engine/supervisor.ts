import { EventEmitter } from 'node:events';
import { dirname } from 'node:path';
import type { ActionResult, ProcessEventMessage, ProgramSummary, ReloadResult, SupervisorApi } from '../api/supervisor-api.js';
import { ConfigError, formatIssue } from '../config/config-error.js';
import { diffConfigs, type ConfigDiff } from '../config/config-diff.js';
import { loadConfigOffThread } from '../config/load-config-off-thread.js';
import { describeVersion, type ConfigVersion } from '../config/read-config-file.js';
import type { ConfigOverrides } from '../config/parse-config.js';
import { parseSignal } from '../config/signals.js';
import type { ProgramConfig, SupervisorConfig } from '../config/types.js';
import { TaskmasterError } from '../errors.js';
import { EventLog, type EventLogOptions } from './event-log.js';
import { ManagedProcess, type ProcessHost } from './managed-process.js';
import { OutputFiles } from '../output/output-files.js';
import type { ProcessInfo } from './process-info.js';
import type { RunRecord } from '../features/run-history.js';
import { runningStates, type ProcessState } from './state-machine.js';
import { resolveNames } from './resolve-names.js';
import { VERSION } from '../version.js';
import { FeatureRuntime } from '../features/feature-runtime.js';
import { PortAllocator } from '../features/port-allocator.js';
import { DependencyGates } from '../features/dependency-gates.js';
import { formatTimestamp } from './event-log.js';
import { ResourceSampler, type SampledProcess } from '../features/resource-sampler.js';
import type { MetricsSnapshot, ProcessResources, ProcessSamples, ResourceEventMessage } from '../api/resource-types.js';
import { readSelfResources } from '../features/self-resources.js';

function sampledOf(process: ManagedProcess): SampledProcess {
  return { key: process, name: process.fullName, pid: process.snapshot.pid, startedAtMs: process.history.last()?.startedAt ?? null };
}

interface ProgramEntry {
  config: ProgramConfig;
  processes: ManagedProcess[];
}

const settledAfterStart: readonly ProcessState[] = ['RUNNING', 'FATAL', 'STOPPED', 'EXITED'];
const settledAfterStop: readonly ProcessState[] = ['STOPPED', 'EXITED', 'FATAL'];

function eventLogOptions(config: SupervisorConfig): EventLogOptions {
  return { path: config.logFile, maxBytes: config.logFileMaxBytes, backups: config.logFileBackups, mode: config.logFileMode, format: config.logFormat, level: config.logLevel };
}

const prefixColours = ['\x1b[36m', '\x1b[33m', '\x1b[32m', '\x1b[35m', '\x1b[34m', '\x1b[96m', '\x1b[93m', '\x1b[92m'];

/** A stable colour per process name, as foreman does; none when stdout is not a terminal. */
function colourFor(name: string): string {
  if (!process.stdout.isTTY || process.env['NO_COLOR']) return '';
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return prefixColours[hash % prefixColours.length]!;
}

function byPriority(a: ProgramEntry, b: ProgramEntry): number {
  return a.config.priority - b.config.priority || a.config.name.localeCompare(b.config.name);
}

function summarizeDiff(diff: ConfigDiff): string {
  const list = (names: readonly string[]): string => (names.length > 0 ? names.join(', ') : 'none');
  return `added: ${list(diff.added)}; changed: ${list(diff.changed.map((change) => change.name))}; removed: ${list(diff.removed)}`;
}

/**
 * The process table and the one API that drives it. Every state change goes through a
 * process's state machine; this class only decides which processes an action concerns.
 */
export class Supervisor extends EventEmitter implements SupervisorApi {
  private configuration: SupervisorConfig;
  private readonly entries = new Map<string, ProgramEntry>();
  readonly log: EventLog;
  readonly outputs: OutputFiles;
  private shuttingDown = false;
  private shutdownPromise: Promise<void> | null = null;
  private reloadChain: Promise<unknown> = Promise.resolve();
  private readonly host: ProcessHost;
  private readonly features: FeatureRuntime;
  private readonly ports = new PortAllocator();
  /** Called on every state or pid change of a process, before anything else; keeps the leftover record. */
  onProcessChange: ((process: ManagedProcess) => void) | null = null;
  /** Processes a monitor is restarting: STOPPED for a moment, but a start is on its way. */
  private readonly restarting = new Set<ManagedProcess>();
  private readonly gates: DependencyGates;
  /** Reads /proc only while someone watches or scrapes. */
  readonly resources = new ResourceSampler(() => this.processes().map(sampledOf));

  constructor(
    config: SupervisorConfig,
    private readonly overrides: ConfigOverrides = {},
  ) {
    super();
    this.configuration = config;
    this.log = new EventLog(eventLogOptions(config));
    this.outputs = new OutputFiles((level, message) => this.log.write(level, message, { event: 'output_file' }));
    this.host = {
      log: this.log,
      outputs: this.outputs,
      configDir: dirname(config.file),
      logDir: () => this.configuration.logDir,
      inheritSink: process.stdout,
      colourFor: (name) => colourFor(name),
      ports: this.ports,
      socketPath: config.socket,
      mayRestart: () => !this.shuttingDown,
      onStateChange: (process, previous) => {
        this.onProcessChange?.(process);
        this.resources.noteChange(process, process.snapshot, previous);
        this.features.onStateChange(process, previous);
        this.gates.notifyChange();
        // Building the status of a process costs something on the restart path: only for listeners.
        if (this.listenerCount('state') === 0) return;
        const message: ProcessEventMessage = { type: 'state', process: this.infoOf(process), previous };
        this.emit('state', message);
      },
    };
    this.features = new FeatureRuntime(
      {
        log: this.log,
        mayRestart: () => !this.shuttingDown,
        restartProcess: (process, why) => this.restartProcess(process, why),
        processesOf: (name) => this.entries.get(name)?.processes ?? [],
        onHealthChange: (process) => {
          this.gates.notifyChange();
          this.emit('state', { type: 'state', process: this.infoOf(process), previous: process.state });
        },
      },
      config.logFile,
    );
    for (const program of config.programs.values()) this.entries.set(program.name, this.createEntry(program));
    this.gates = new DependencyGates({
      log: this.log,
      isShuttingDown: () => this.shuttingDown,
      processesOf: (name) => this.entries.get(name)?.processes ?? [],
      healthOf: (process) => this.features.healthOf(process)?.health ?? null,
      isRestarting: (process) => this.restarting.has(process),
      start: (process) => void this.startOne(process),
    });
  }

  get config(): SupervisorConfig {
    return this.configuration;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  private createEntry(program: ProgramConfig): ProgramEntry {
    const processes = Array.from({ length: program.numprocs }, (_, index) => new ManagedProcess(program, index, this.host));
    return { config: program, processes };
  }

  private orderedEntries(): ProgramEntry[] {
    return [...this.entries.values()].sort(byPriority);
  }

  /** Every process, in start order. */
  processes(): ManagedProcess[] {
    return this.orderedEntries().flatMap((entry) => entry.processes);
  }

  findProcesses(names: readonly string[]): ManagedProcess[] {
    return resolveNames(names, this.orderedEntries());
  }

  /** Spawns every autostart program in priority order; only programs with dependencies wait. */
  startAutostart(): void {
    this.log.info(`taskmaster ${VERSION} started with pid ${process.pid}`);
    this.features.syncSchedules([...this.configuration.programs.values()]);
    this.autostart(this.orderedEntries());
  }

  private autostart(entries: readonly ProgramEntry[]): void {
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
  private infoOf(process: ManagedProcess, nowMs = Date.now()): ProcessInfo {
    const info = process.info(nowMs);
    const health = this.features.healthOf(process);
    const nextRunAt = this.features.nextRunOf(process.program.name);
    const extras: string[] = [];
    if (health) extras.push(`${health.health}${health.health === 'healthy' || !health.detail ? '' : ` (${health.detail})`}`);
    if (process.port !== null) extras.push(`port ${process.port}`);
    if (nextRunAt !== null) extras.push(`next run ${formatTimestamp(new Date(nextRunAt)).slice(0, 19)}`);
    const lastRun = info.lastRun;
    if (process.program.schedule !== null && lastRun && lastRun.result !== 'running') extras.push(`last run ${lastRun.result} (${lastRun.signal ?? `exit ${lastRun.exitCode}`}, ${((lastRun.durationMs ?? 0) / 1000).toFixed(1)}s)`);
    const description = [info.description, ...extras].filter((part) => part !== '').join(', ');
    return { ...info, description, health: health?.health ?? null, nextRunAt, ...this.resourcesOf(process, nowMs) };
  }

  async status(names: readonly string[] = []): Promise<ProcessInfo[]> {
    const processes = names.length === 0 ? this.processes() : this.findProcesses(names);
    const now = Date.now();
    return processes.map((process) => this.infoOf(process, now));
  }

  /** The last runs of a process: start, duration, how it ended. */
  async history(name: string): Promise<{ name: string; runs: readonly RunRecord[] }[]> {
    return this.findProcesses([name]).map((process) => ({ name: process.fullName, runs: process.history.list() }));
  }

  /** What the sampler knows of a process: restarts, and CPU and memory while someone watches. */
  resourcesOf(process: ManagedProcess, nowMs = Date.now()): ProcessResources {
    return this.resources.fieldsOf(sampledOf(process), nowMs);
  }

  /** Every process's resource fields, as the event stream sends them after a sampling pass. */
  resourceEvent(nowMs = Date.now()): ResourceEventMessage {
    return { type: 'resources', at: nowMs, processes: this.processes().map((process) => ({ name: process.fullName, ...this.resourcesOf(process, nowMs) })) };
  }

  async samples(names: readonly string[]): Promise<ProcessSamples[]> {
    const processes = names.length === 0 ? this.processes() : this.findProcesses(names);
    return processes.map((process) => ({ name: process.fullName, intervalMs: this.resources.options.ringIntervalMs, samples: this.resources.samplesOf(process) }));
  }

  async metrics(): Promise<MetricsSnapshot> {
    await this.resources.sampleNow();
    const scheduledPrograms = [...this.entries.values()].filter((entry) => entry.config.schedule !== null).map((entry) => entry.config.name);
    return { version: VERSION, pid: process.pid, supervisor: await readSelfResources(), samplingPasses: this.resources.passes, samplingWatchers: this.resources.watcherCount, processes: await this.status(), scheduledPrograms };
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
    const message = ok ? 'started' : snapshot.state === 'FATAL' ? `spawn error: ${snapshot.spawnError ?? 'gave up'}` : `ended ${snapshot.state}`;
    return { name: process.fullName, ok, state: snapshot.state, message };
  }

  private async stopOne(process: ManagedProcess): Promise<ActionResult> {
    this.gates.cancel(process);
    process.blockedReason = null;
    const result = process.dispatch({ type: 'stop' });
    if (!result.accepted) {
      return { name: process.fullName, ok: true, state: process.state, message: 'not running' };
    }
    const snapshot = await process.waitFor((current) => settledAfterStop.includes(current.state));
    // Returns once its files hold everything it wrote, up to its last byte.
    await process.output.settled();
    return { name: process.fullName, ok: true, state: snapshot.state, message: 'stopped' };
  }

  /** How many levels of programs a program depends on; dependents stop before their dependencies. */
  private dependencyDepth(name: string, seen = new Set<string>()): number {
    const program = this.entries.get(name)?.config;
    if (!program || seen.has(name)) return 0;
    seen.add(name);
    return program.dependsOn.reduce((depth, dependency) => Math.max(depth, 1 + this.dependencyDepth(dependency.name, seen)), 0);
  }

  /**
   * Stops processes tier by tier: highest priority number first and, within a priority,
   * dependents before what they depend on. A tier stops in parallel.
   */
  private async stopInTiers(processes: readonly ManagedProcess[]): Promise<ActionResult[]> {
    const tiers = new Map<string, { priority: number; depth: number; processes: ManagedProcess[] }>();
    for (const process of processes) {
      const depth = this.dependencyDepth(process.program.name);
      const key = `${process.program.priority}/${depth}`;
      const tier = tiers.get(key) ?? { priority: process.program.priority, depth, processes: [] };
      tier.processes.push(process);
      tiers.set(key, tier);
    }
    const ordered = [...tiers.values()].sort((a, b) => b.priority - a.priority || b.depth - a.depth);
    const results: ActionResult[] = [];
    for (const tier of ordered) {
      results.push(...(await Promise.all(tier.processes.map((process) => this.stopOne(process)))));
    }
    return results;
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

  private refuseWhileShuttingDown(): void {
    if (this.shuttingDown) throw new TaskmasterError('E_SHUTTING_DOWN', 'taskmaster is shutting down');
  }

  async start(names: readonly string[]): Promise<ActionResult[]> {
    this.refuseWhileShuttingDown();
    return Promise.all(this.findProcesses(names).map((process) => this.startOne(process)));
  }

  async stop(names: readonly string[]): Promise<ActionResult[]> {
    return this.stopInTiers(this.findProcesses(names));
  }

  async restart(names: readonly string[]): Promise<ActionResult[]> {
    this.refuseWhileShuttingDown();
    const processes = this.findProcesses(names);
    await this.stopInTiers(processes);
    return Promise.all(processes.map((process) => this.startOne(process)));
  }

  async signal(signalName: string, names: readonly string[]): Promise<ActionResult[]> {
    const signal = parseSignal(signalName);
    if (!signal) throw new TaskmasterError('E_BAD_SIGNAL', `unknown signal ${signalName}`);
    return this.findProcesses(names).map((process) => {
      const sent = process.signal(signal);
      return { name: process.fullName, ok: sent, state: process.state, message: sent ? `sent ${signal}` : 'not running' };
    });
  }

  async avail(): Promise<ProgramSummary[]> {
    return this.orderedEntries().map(({ config }) => ({
      name: config.name,
      cmd: config.cmd,
      numprocs: config.numprocs,
      autostart: config.autostart,
      priority: config.priority,
      inUse: true,
    }));
  }

  /** Reopens the event log and every output file by name, for logrotate (SIGUSR2). */
  reopenLogs(): void {
    this.log.reopen();
    this.outputs.reopenAll();
  }

  async version(): Promise<string> {
    return VERSION;
  }

  async pid(): Promise<number> {
    return process.pid;
  }

  private async readConfig(): Promise<{ config: SupervisorConfig; version: ConfigVersion } | { errors: string[] }> {
    try {
      // Parsed in a worker thread: a big file must not stall supervision while it parses.
      return await loadConfigOffThread(this.configuration.file, this.overrides);
    } catch (error) {
      if (error instanceof ConfigError) return { errors: error.issues.map(formatIssue) };
      return { errors: [(error as Error).message] };
    }
  }

  async reread(): Promise<ReloadResult> {
    const read = await this.readConfig();
    if ('errors' in read) return { ok: false, applied: false, diff: null, errors: read.errors };
    return { ok: true, applied: false, diff: diffConfigs(this.configuration, read.config), errors: [] };
  }

  /** Re-reads the config and applies the difference; a config with any error changes nothing. */
  reload(): Promise<ReloadResult> {
    const run = this.reloadChain.then(() => this.reloadNow());
    this.reloadChain = run.catch(() => undefined);
    return run;
  }

  private async reloadNow(): Promise<ReloadResult> {
    this.refuseWhileShuttingDown();
    const read = await this.readConfig();
    if ('errors' in read) {
      this.log.error(`reload rejected, nothing changed: ${read.errors.join(' | ')}`);
      return { ok: false, applied: false, diff: null, errors: read.errors };
    }
    const next = read.config;
    const diff = diffConfigs(this.configuration, next);
    this.log.info(`reload: ${summarizeDiff(diff)} (applied config ${describeVersion(read.version)})`);
    this.log.reopen(eventLogOptions(next));
    this.configuration = next;
    const work: Promise<unknown>[] = [];
    for (const name of diff.removed) work.push(this.removeProgram(name));
    for (const change of diff.changed) {
      const program = next.programs.get(change.name)!;
      work.push(change.respawn ? this.replaceProgram(program) : this.updateProgramInPlace(program));
    }
    const added = diff.added.map((name) => {
      const entry = this.createEntry(next.programs.get(name)!);
      this.entries.set(name, entry);
      return entry;
    });
    this.autostart(added);
    this.features.syncSchedules([...next.programs.values()]);
    await Promise.all(work);
    return { ok: true, applied: true, diff, errors: [] };
  }

  private async removeProgram(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) return;
    await this.stopInTiers(entry.processes);
    this.releaseProcesses(entry.processes);
    if (this.entries.get(name) === entry) this.entries.delete(name);
  }

  /** Spawn settings changed: stop the old processes, then start new ones with the new settings. */
  private async replaceProgram(program: ProgramConfig): Promise<void> {
    const old = this.entries.get(program.name);
    if (old) {
      await this.stopInTiers(old.processes);
      this.releaseProcesses(old.processes);
    }
    const entry = this.createEntry(program);
    this.entries.set(program.name, entry);
    this.autostart([entry]);
  }

  /** Only supervision settings or numprocs changed: running processes keep their pid. */
  private async updateProgramInPlace(program: ProgramConfig): Promise<void> {
    const entry = this.entries.get(program.name);
    if (!entry) return;
    entry.config = program;
    const kept = entry.processes.slice(0, program.numprocs);
    const surplus = entry.processes.slice(program.numprocs);
    for (const process of kept) {
      process.program = program;
      process.refreshName();
    }
    const added = Array.from({ length: program.numprocs - kept.length }, (_, offset) => new ManagedProcess(program, kept.length + offset, this.host));
    entry.processes = [...kept, ...added];
    this.features.refresh(kept);
    this.autostart([{ config: program, processes: added }]);
    await this.stopInTiers(surplus);
    this.releaseProcesses(surplus);
  }

  private releaseProcesses(processes: readonly ManagedProcess[]): void {
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
    this.gates.cancelAll();
    this.features.stopAll();
    this.log.info('shutting down: stopping all processes');
    const running = this.processes().filter((process) => runningStates.includes(process.state));
    await this.stopInTiers(running);
    // Processes that ended by themselves may still have output in their pipes.
    await Promise.all(this.processes().map((process) => process.output.settled()));
    await this.outputs.closeAll();
    this.log.info('taskmaster stopped');
    // The log stays open for what the front ends still say while they close (the end of a login burst).
    this.emit('shutdown');
  }
}
