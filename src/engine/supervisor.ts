import { EventEmitter } from 'node:events';
import { dirname } from 'node:path';
import type { ActionResult, ProcessEventMessage, ProgramSummary, ReloadResult, SupervisorApi } from '../api/supervisor-api.js';
import { ConfigError, formatIssue } from '../config/config-error.js';
import { diffConfigs, type ConfigDiff } from '../config/config-diff.js';
import { loadConfig } from '../config/load-config.js';
import type { ConfigOverrides } from '../config/parse-config.js';
import { parseSignal } from '../config/signals.js';
import type { ProgramConfig, SupervisorConfig } from '../config/types.js';
import { TaskmasterError } from '../errors.js';
import { EventLog, type EventLogOptions } from './event-log.js';
import { ManagedProcess, type ProcessHost } from './managed-process.js';
import { OutputFiles } from '../output/output-files.js';
import type { ProcessInfo } from './process-info.js';
import { runningStates, type ProcessState } from './state-machine.js';
import { resolveNames } from './resolve-names.js';
import { VERSION } from '../version.js';

interface ProgramEntry {
  config: ProgramConfig;
  processes: ManagedProcess[];
}

const settledAfterStart: readonly ProcessState[] = ['RUNNING', 'FATAL', 'STOPPED', 'EXITED'];
const settledAfterStop: readonly ProcessState[] = ['STOPPED', 'EXITED', 'FATAL'];

function eventLogOptions(config: SupervisorConfig): EventLogOptions {
  return { path: config.logFile, maxBytes: config.logFileMaxBytes, backups: config.logFileBackups, format: config.logFormat, level: config.logLevel };
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
      mayRestart: () => !this.shuttingDown,
      onStateChange: (process, previous) => {
        const message: ProcessEventMessage = { type: 'state', process: process.info(), previous };
        this.emit('state', message);
      },
    };
    for (const program of config.programs.values()) this.entries.set(program.name, this.createEntry(program));
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

  /** Spawns every autostart program in priority order without waiting for any of them. */
  startAutostart(): void {
    this.log.info(`taskmaster ${VERSION} started with pid ${process.pid}`);
    for (const entry of this.orderedEntries()) {
      if (!entry.config.autostart) continue;
      for (const process of entry.processes) process.dispatch({ type: 'start' });
    }
  }

  async status(names: readonly string[] = []): Promise<ProcessInfo[]> {
    const processes = names.length === 0 ? this.processes() : this.findProcesses(names);
    const now = Date.now();
    return processes.map((process) => process.info(now));
  }

  private async startOne(process: ManagedProcess): Promise<ActionResult> {
    const result = process.dispatch({ type: 'start' });
    if (!result.accepted) {
      return { name: process.fullName, ok: true, state: process.state, message: 'already started' };
    }
    const snapshot = await process.waitFor((current) => settledAfterStart.includes(current.state));
    const ok = snapshot.state === 'RUNNING';
    const message = ok ? 'started' : snapshot.state === 'FATAL' ? `spawn error: ${snapshot.spawnError ?? 'gave up'}` : `ended ${snapshot.state}`;
    return { name: process.fullName, ok, state: snapshot.state, message };
  }

  private async stopOne(process: ManagedProcess): Promise<ActionResult> {
    const result = process.dispatch({ type: 'stop' });
    if (!result.accepted) {
      return { name: process.fullName, ok: true, state: process.state, message: 'not running' };
    }
    const snapshot = await process.waitFor((current) => settledAfterStop.includes(current.state));
    return { name: process.fullName, ok: true, state: snapshot.state, message: 'stopped' };
  }

  /** Stops processes tier by tier, highest priority number first; a tier stops in parallel. */
  private async stopInTiers(processes: readonly ManagedProcess[]): Promise<ActionResult[]> {
    const tiers = new Map<number, ManagedProcess[]>();
    for (const process of processes) {
      const tier = tiers.get(process.program.priority) ?? [];
      tier.push(process);
      tiers.set(process.program.priority, tier);
    }
    const results: ActionResult[] = [];
    for (const priority of [...tiers.keys()].sort((a, b) => b - a)) {
      results.push(...(await Promise.all(tiers.get(priority)!.map((process) => this.stopOne(process)))));
    }
    return results;
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

  private async readConfig(): Promise<{ config: SupervisorConfig } | { errors: string[] }> {
    try {
      return { config: await loadConfig(this.configuration.file, this.overrides) };
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
    this.log.info(`reload: ${summarizeDiff(diff)}`);
    this.log.reopen(eventLogOptions(next));
    this.configuration = next;
    const work: Promise<unknown>[] = [];
    for (const name of diff.removed) work.push(this.removeProgram(name));
    for (const change of diff.changed) {
      const program = next.programs.get(change.name)!;
      work.push(change.respawn ? this.replaceProgram(program) : this.updateProgramInPlace(program));
    }
    for (const name of diff.added) {
      const entry = this.createEntry(next.programs.get(name)!);
      this.entries.set(name, entry);
      if (entry.config.autostart) for (const process of entry.processes) process.dispatch({ type: 'start' });
    }
    await Promise.all(work);
    return { ok: true, applied: true, diff, errors: [] };
  }

  private async removeProgram(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) return;
    await this.stopInTiers(entry.processes);
    if (this.entries.get(name) === entry) this.entries.delete(name);
  }

  /** Spawn settings changed: stop the old processes, then start new ones with the new settings. */
  private async replaceProgram(program: ProgramConfig): Promise<void> {
    const old = this.entries.get(program.name);
    if (old) await this.stopInTiers(old.processes);
    const entry = this.createEntry(program);
    this.entries.set(program.name, entry);
    if (program.autostart) for (const process of entry.processes) process.dispatch({ type: 'start' });
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
    if (program.autostart) for (const process of added) process.dispatch({ type: 'start' });
    await this.stopInTiers(surplus);
  }

  /** Stops everything in reverse priority order and closes the logs; safe to call twice. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.shutdownNow();
    return this.shutdownPromise;
  }

  private async shutdownNow(): Promise<void> {
    this.shuttingDown = true;
    this.log.info('shutting down: stopping all processes');
    const running = this.processes().filter((process) => runningStates.includes(process.state));
    await this.stopInTiers(running);
    await this.outputs.closeAll();
    this.log.info('taskmaster stopped');
    this.log.close();
    this.emit('shutdown');
  }
}
