import { ConfigError, formatIssue } from '../config/config-error.js';
import { diffConfigs, type ConfigDiff } from '../config/config-diff.js';
import { loadConfigOffThread } from '../config/load-config-off-thread.js';
import type { ConfigOverrides } from '../config/parse-config.js';
import { describeVersion, type ConfigVersion } from '../config/read-config-file.js';
import type { ProgramConfig, SupervisorConfig } from '../config/types.js';
import { TaskmasterError } from '../contracts/errors.js';
import type { ReloadResult } from '../contracts/supervisor-api.js';
import type { EventLogOptions } from '../engine/event-log.js';
import type { ConfigEdit } from './config-writer.js';
import type { Supervisor } from './supervisor.js';

export function eventLogOptions(config: SupervisorConfig): EventLogOptions {
  return { path: config.logFile, maxBytes: config.logFileMaxBytes, backups: config.logFileBackups, mode: config.logFileMode, format: config.logFormat, level: config.logLevel, ...(config.supervisord ? { wording: 'supervisord' as const } : {}) };
}

function summarizeDiff(diff: ConfigDiff): string {
  const list = (names: readonly string[]): string => (names.length > 0 ? names.join(', ') : 'none');
  return `added: ${list(diff.added)}; changed: ${list(diff.changed.map((change) => change.name))}; removed: ${list(diff.removed)}`;
}

/** The programs a name stands for: those of the group so named, else the program so named. */
function programsNamed(programs: Iterable<ProgramConfig>, name: string): ProgramConfig[] {
  const all = [...programs];
  const members = all.filter((program) => program.group === name);
  return members.length > 0 ? members : all.filter((program) => program.name === name);
}

/** Reload as a diff: the new config against the one applied, then each program added, changed or removed. */
export class Reloader {
  private chain: Promise<unknown> = Promise.resolve();
  /** The config last read by stage(): what activateProgram takes programs from (supervisorctl reread/update). */
  private staged: SupervisorConfig | null = null;

  constructor(
    private readonly supervisor: Supervisor,
    public config: SupervisorConfig,
    private readonly overrides: ConfigOverrides,
  ) {}

  private async readConfig(): Promise<{ config: SupervisorConfig; version: ConfigVersion } | { errors: string[] }> {
    try {
      // Parsed in a worker thread: a big file must not stall supervision while it parses.
      return await loadConfigOffThread(this.config.file, this.overrides);
    } catch (error) {
      if (error instanceof ConfigError) return { errors: error.issues.map(formatIssue) };
      return { errors: [(error as Error).message] };
    }
  }

  async reread(): Promise<ReloadResult> {
    const read = await this.readConfig();
    if ('errors' in read) return { ok: false, applied: false, diff: null, errors: read.errors };
    return { ok: true, applied: false, diff: diffConfigs(this.config, read.config), errors: [] };
  }

  /** One reload at a time, in the order asked; 'reload' events mark its start and end (sd_notify RELOADING=1, READY=1). */
  reload(): Promise<ReloadResult> {
    return this.inTurn(async () => {
      this.supervisor.emit('reload', 'start');
      try {
        return await this.reloadNow();
      } finally {
        this.supervisor.emit('reload', 'end');
      }
    });
  }

  /** Writes a change to the config file, then applies the file as a reload does; in turn with reloads and other changes. */
  applyEdit(edit: ConfigEdit): Promise<ReloadResult> {
    return this.inTurn(async () => {
      this.supervisor.refuseWhileShuttingDown();
      const { writeConfigChange } = await import('./config-writer.js');
      await writeConfigChange(this.config.file, this.overrides, edit);
      this.supervisor.emit('reload', 'start');
      try {
        return await this.reloadNow();
      } finally {
        this.supervisor.emit('reload', 'end');
      }
    });
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private withPrograms(edit: (programs: Map<string, ProgramConfig>) => void): void {
    const programs = new Map(this.config.programs);
    edit(programs);
    this.config = Object.freeze({ ...this.config, programs });
  }

  /**
   * Reads the file and keeps it for activateProgram; supervision-only changes apply now (they restart
   * nothing), the rest waits for deactivateProgram and activateProgram, as supervisorctl update drives them.
   */
  stage(): Promise<ReloadResult> {
    return this.inTurn(async () => {
      this.supervisor.refuseWhileShuttingDown();
      const read = await this.readConfig();
      if ('errors' in read) return { ok: false, applied: false, diff: null, errors: read.errors };
      const diff = diffConfigs(this.config, read.config);
      const inPlace = diff.changed.filter((change) => !change.respawn).map((change) => read.config.programs.get(change.name)!);
      this.withPrograms((programs) => inPlace.forEach((program) => programs.set(program.name, program)));
      this.staged = read.config;
      if (inPlace.length > 0) this.supervisor.log.info(`reread: applied in place: ${inPlace.map((program) => program.name).join(', ')}`);
      await Promise.all(inPlace.map((program) => this.updateProgramInPlace(program)));
      return { ok: true, applied: false, diff, errors: [] };
    });
  }

  /** Adds a program, or every program of a group (supervisorctl add, addProcessGroup), from the config read last. */
  activateProgram(name: string): Promise<void> {
    return this.inTurn(async () => {
      this.supervisor.refuseWhileShuttingDown();
      const members = programsNamed((this.staged ?? this.config).programs.values(), name);
      if (members.length === 0) throw new TaskmasterError('E_NO_SUCH_PROCESS', `no such program in the config: ${name}`, { names: [name] });
      const fresh = members.filter((program) => !this.supervisor.table.get(program.name));
      if (fresh.length === 0) throw new TaskmasterError('E_ALREADY_ADDED', `${name} is already added`);
      await this.supervisor.eventListeners.ensure(fresh);
      this.withPrograms((programs) => fresh.forEach((program) => programs.set(program.name, program)));
      const entries = fresh.map((program) => this.supervisor.createEntry(program));
      for (const entry of entries) this.supervisor.table.set(entry);
      this.supervisor.log.info(`added program ${fresh.map((program) => program.name).join(', ')}`);
      // The pools first, as a reload does, so that an added listener hears its own start.
      this.supervisor.eventListeners.current?.sync([...this.config.programs.values()]);
      for (const group of new Set(fresh.map((program) => program.group))) this.supervisor.eventListeners.current?.groupAdded(group);
      this.supervisor.autostart(entries);
      this.supervisor.features.syncSchedules([...this.config.programs.values()]);
    });
  }

  /** Removes a stopped program, or every program of a group (supervisorctl remove, removeProcessGroup). */
  deactivateProgram(name: string): Promise<void> {
    return this.inTurn(async () => {
      const entries = programsNamed([...this.config.programs.values()], name).flatMap((program) => this.supervisor.table.get(program.name) ?? []);
      if (entries.length === 0) throw new TaskmasterError('E_NO_SUCH_PROCESS', `no such program: ${name}`, { names: [name] });
      const running = entries.flatMap((entry) => entry.processes).filter((process) => !['STOPPED', 'EXITED', 'FATAL'].includes(process.state));
      if (running.length > 0) throw new TaskmasterError('E_STILL_RUNNING', `${name} still has processes running: ${running.map((process) => process.fullName).join(', ')}`);
      // The config read last keeps them, as supervisord's does: add brings them back without a reread.
      this.staged ??= this.config;
      for (const entry of entries) {
        this.supervisor.releaseProcesses(entry.processes);
        this.supervisor.table.delete(entry);
      }
      this.withPrograms((programs) => entries.forEach((entry) => programs.delete(entry.config.name)));
      this.supervisor.log.info(`removed program ${entries.map((entry) => entry.config.name).join(', ')}`);
      for (const group of new Set(entries.map((entry) => entry.config.group))) this.supervisor.eventListeners.current?.groupRemoved(group);
      this.supervisor.processFeatures.retainSockets(this.config.programs.values());
      this.supervisor.features.syncSchedules([...this.config.programs.values()]);
    });
  }

  /** Programs of the staged config that are not in use yet, for avail. */
  stagedOnly(): ProgramConfig[] {
    return [...(this.staged?.programs.values() ?? [])].filter((program) => !this.supervisor.table.get(program.name));
  }

  private async reloadNow(): Promise<ReloadResult> {
    const supervisor = this.supervisor;
    supervisor.refuseWhileShuttingDown();
    const read = await this.readConfig();
    if ('errors' in read) {
      supervisor.log.error(`reload rejected, nothing changed: ${read.errors.join(' | ')}`);
      return { ok: false, applied: false, diff: null, errors: read.errors };
    }
    const next = read.config;
    // Loaded before anything changes, so a first listener hears from its first spawn on.
    await supervisor.eventListeners.ensure(next.programs.values());
    const diff = diffConfigs(this.config, next);
    supervisor.log.info(`reload: ${summarizeDiff(diff)} (applied config ${describeVersion(read.version)})`);
    supervisor.log.reopen(eventLogOptions(next));
    this.config = next;
    this.staged = null;
    const work: Promise<unknown>[] = [];
    for (const name of diff.removed) work.push(this.dropProgram(name, diff.groups.removed));
    for (const change of diff.changed) {
      const program = next.programs.get(change.name)!;
      work.push(change.respawn ? this.replaceProgram(program) : this.updateProgramInPlace(program));
    }
    const added = diff.added.map((name) => {
      const entry = supervisor.createEntry(next.programs.get(name)!);
      supervisor.table.set(entry);
      return entry;
    });
    // The pools first, so that an added listener hears its own start and the added programs'.
    supervisor.eventListeners.current?.sync([...next.programs.values()]);
    for (const group of diff.groups.added) supervisor.eventListeners.current?.groupAdded(group);
    supervisor.autostart(added);
    supervisor.features.syncSchedules([...next.programs.values()]);
    await Promise.all(work);
    // Only now are the programs that held them stopped: a socket kept by the new config stays open throughout.
    supervisor.processFeatures.retainSockets(next.programs.values());
    return { ok: true, applied: true, diff, errors: [] };
  }

  private async dropProgram(name: string, groupsGone: readonly string[]): Promise<void> {
    const entry = this.supervisor.table.get(name);
    if (!entry) return;
    await this.supervisor.stopAll(entry.processes);
    this.supervisor.releaseProcesses(entry.processes);
    this.supervisor.table.delete(entry);
    // A group of several programs is announced gone once, by the last of its members to stop.
    const group = entry.config.group;
    if (groupsGone.includes(group) && !this.supervisor.table.ordered().some((other) => other.config.group === group)) this.supervisor.eventListeners.current?.groupRemoved(group);
  }

  /** Spawn settings changed: stop the old processes, then start new ones with the new settings. */
  private async replaceProgram(program: ProgramConfig): Promise<void> {
    const old = this.supervisor.table.get(program.name);
    if (old) {
      await this.supervisor.stopAll(old.processes);
      this.supervisor.releaseProcesses(old.processes);
    }
    const entry = this.supervisor.createEntry(program);
    this.supervisor.table.set(entry);
    this.supervisor.autostart([entry]);
  }

  /** Only supervision settings or numprocs changed: running processes keep their pid. */
  private async updateProgramInPlace(program: ProgramConfig): Promise<void> {
    const entry = this.supervisor.table.get(program.name);
    if (!entry) return;
    entry.config = program;
    const kept = entry.processes.slice(0, program.numprocs);
    const surplus = entry.processes.slice(program.numprocs);
    for (const process of kept) {
      process.program = program;
      process.refreshName();
    }
    const added = Array.from({ length: program.numprocs - kept.length }, (_, offset) => this.supervisor.createProcess(program, kept.length + offset));
    entry.processes = [...kept, ...added];
    this.supervisor.features.refresh(kept);
    this.supervisor.autostart([{ config: program, processes: added }]);
    await this.supervisor.stopAll(surplus);
    this.supervisor.releaseProcesses(surplus);
  }
}
