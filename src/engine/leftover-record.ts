import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, realpathSync, unlinkSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readProcStat } from './proc-table.js';

/** One process a supervisor started, as it must be found and stopped should the supervisor die. */
export interface LeftoverEntry {
  readonly name: string;
  readonly program: string;
  readonly pid: number;
  readonly startTime: string;
  readonly pgid: number;
  readonly stopSignal: NodeJS.Signals;
  readonly stopTimeMs: number;
  readonly stopAsGroup: boolean;
  readonly killAsGroup: boolean;
}

export interface LeftoverRecord {
  readonly version: 1;
  readonly config: string;
  readonly supervisor: { readonly pid: number; readonly startTime: string };
  readonly updatedAt: string;
  readonly processes: readonly LeftoverEntry[];
}

/** What the writer needs of a supervised process; ManagedProcess fits. */
export interface RecordedProcess {
  readonly fullName: string;
  readonly program: { readonly name: string; readonly stopSignal: NodeJS.Signals; readonly stopTimeMs: number; readonly stopAsGroup: boolean; readonly killAsGroup: boolean };
  readonly snapshot: { readonly pid: number | null };
}

/** Folders that may hold records, best first: tmpfs under /run goes away with a reboot, as the processes do. */
function recordFolders(): string[] {
  const uid = process.getuid?.() ?? 0;
  const runtime = process.env['XDG_RUNTIME_DIR'];
  const primary = uid === 0 ? '/run/taskmaster' : runtime ? join(runtime, 'taskmaster') : null;
  return [...(primary ? [primary] : []), join(tmpdir(), `taskmaster-${uid}`)];
}

function recordName(configFile: string): string {
  let real = configFile;
  try {
    real = realpathSync(configFile);
  } catch {
    // A config that vanished still names the same record.
  }
  return `leftovers-${createHash('sha256').update(real).digest('hex').slice(0, 16)}.json`;
}

/** A folder only we can write: a world-writable parent (/tmp) must not let anyone plant a record. */
function usableFolder(folder: string): boolean {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const stat = lstatSync(folder);
    return stat.isDirectory() && stat.uid === (process.getuid?.() ?? stat.uid) && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** Where the record of the supervisor running `configFile` lives: keyed on the config's real path, not the socket. */
export function leftoverRecordPath(configFile: string): string | null {
  const name = recordName(configFile);
  for (const folder of recordFolders()) if (usableFolder(folder)) return join(folder, name);
  return null;
}

function isEntry(value: unknown): value is LeftoverEntry {
  const entry = value as LeftoverEntry;
  return typeof entry === 'object' && entry !== null && Number.isInteger(entry.pid) && entry.pid > 1 && typeof entry.startTime === 'string'
    && Number.isInteger(entry.pgid) && typeof entry.name === 'string' && typeof entry.stopSignal === 'string' && Number.isFinite(entry.stopTimeMs);
}

/** The record a previous supervisor left, or null when there is none or it cannot be read. */
export function readLeftoverRecord(path: string): LeftoverRecord | null {
  let parsed: LeftoverRecord;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as LeftoverRecord;
  } catch {
    return null;
  }
  if (parsed?.version !== 1 || !Array.isArray(parsed.processes) || !Number.isInteger(parsed.supervisor?.pid)) return null;
  return { ...parsed, processes: parsed.processes.filter(isEntry) };
}

/**
 * Keeps the record of what this supervisor runs. `note` only marks a process as changed; the
 * file is rewritten once per event-loop turn, off the restart path, by temp file and rename.
 */
export class LeftoverRecordWriter {
  private readonly entries = new Map<RecordedProcess, LeftoverEntry>();
  private readonly changed = new Set<RecordedProcess>();
  /** Orphans adopted as a subreaper: stopped like a program with the defaults should we die. */
  private adopted = new Map<number, LeftoverEntry>();
  private adoptedChanged = false;
  private scheduled = false;
  private writing: Promise<void> | null = null;
  private closed = false;
  private readonly supervisor: { pid: number; startTime: string };

  constructor(
    private readonly path: string,
    private readonly configFile: string,
    private readonly onError: (message: string) => void,
  ) {
    this.supervisor = { pid: process.pid, startTime: readProcStat(process.pid)?.startTime ?? '' };
  }

  note(recorded: RecordedProcess): void {
    this.changed.add(recorded);
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  noteAdopted(pids: readonly number[]): void {
    const next = new Map<number, LeftoverEntry>();
    for (const pid of pids) {
      const kept = this.adopted.get(pid);
      const stat = kept ? null : readProcStat(pid);
      if (kept) next.set(pid, kept);
      else if (stat) next.set(pid, { name: `adopted:${pid}`, program: '(adopted)', pid, startTime: stat.startTime, pgid: stat.pgid, stopSignal: 'SIGTERM', stopTimeMs: 5_000, stopAsGroup: false, killAsGroup: false });
    }
    this.adopted = next;
    this.adoptedChanged = true;
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private refresh(): boolean {
    let dirty = this.adoptedChanged;
    this.adoptedChanged = false;
    for (const recorded of this.changed) {
      const pid = recorded.snapshot.pid;
      const previous = this.entries.get(recorded);
      const { program } = recorded;
      // A reload may change how a running process stops without changing its pid.
      if (previous?.pid === pid && previous.stopSignal === program.stopSignal && previous.stopTimeMs === program.stopTimeMs
        && previous.stopAsGroup === program.stopAsGroup && previous.killAsGroup === program.killAsGroup) continue;
      dirty = true;
      const stat = pid === null ? null : readProcStat(pid);
      if (pid === null || stat === null) {
        this.entries.delete(recorded);
        continue;
      }
      this.entries.set(recorded, {
        name: recorded.fullName, program: program.name, pid, startTime: stat.startTime, pgid: stat.pgid,
        stopSignal: program.stopSignal, stopTimeMs: program.stopTimeMs, stopAsGroup: program.stopAsGroup, killAsGroup: program.killAsGroup,
      });
    }
    this.changed.clear();
    return dirty;
  }

  private flush(): void {
    this.scheduled = false;
    // One write at a time; whatever changes meanwhile goes in the next one.
    if (this.writing || this.closed || !this.refresh()) return;
    const record: LeftoverRecord = {
      version: 1, config: this.configFile, supervisor: this.supervisor, updatedAt: new Date().toISOString(), processes: [...this.entries.values(), ...this.adopted.values()],
    };
    const temporary = `${this.path}.${process.pid}.tmp`;
    this.writing = writeFile(temporary, `${JSON.stringify(record)}\n`, { mode: 0o600 })
      .then(() => rename(temporary, this.path))
      .catch((error: Error) => this.onError(`cannot write the record of running processes ${this.path}: ${error.message}`))
      .finally(() => {
        this.writing = null;
        if (this.changed.size > 0) this.note([...this.changed][0]!);
        else if (this.adoptedChanged) this.noteAdopted([...this.adopted.keys()]);
      });
  }

  /** After a clean shutdown nothing is left: the record goes. */
  async close(): Promise<void> {
    this.closed = true;
    await this.writing;
    try {
      unlinkSync(this.path);
    } catch {
      // Never written, or already gone.
    }
  }
}
