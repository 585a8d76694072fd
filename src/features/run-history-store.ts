import type { RunRecord } from '../contracts/process-info.js';
import type { StateFile } from '../output/state-file.js';
import { recentLineMaxBytes } from '../output/recent-lines.js';

const section = 'history';
/** Runs kept per process, newest last. */
export const keptRunsPerProcess = 50;
/** Lines kept of a failed run (each at most recentLineMaxBytes). */
export const keptLinesPerRun = 5;
/** The history section of the state file at most; past it, the oldest runs of the longest histories go first. */
export const historyMaxBytes = 1024 * 1024;

const results: ReadonlySet<string> = new Set(['success', 'failure', 'timeout', 'stopped']);
const numberOrNull = (value: unknown): value is number | null => value === null || typeof value === 'number';

/** A run read back from the state file, or null when the entry is not one (a file edited by hand, an older layout). */
function savedRun(value: unknown): RunRecord | null {
  if (!value || typeof value !== 'object') return null;
  const run = value as Record<string, unknown>;
  if (typeof run['startedAt'] !== 'number' || !numberOrNull(run['endedAt']) || !numberOrNull(run['durationMs']) || !numberOrNull(run['exitCode'])) return null;
  if (!(run['signal'] === null || typeof run['signal'] === 'string') || !results.has(run['result'] as string)) return null;
  const lines = Array.isArray(run['lastLines']) ? run['lastLines'].filter((line): line is string => typeof line === 'string') : [];
  return {
    startedAt: run['startedAt'],
    endedAt: run['endedAt'],
    durationMs: run['durationMs'],
    exitCode: run['exitCode'],
    signal: run['signal'],
    result: run['result'] as RunRecord['result'],
    lastLines: lines.slice(-keptLinesPerRun).map((line) => line.slice(0, recentLineMaxBytes)),
  };
}

/**
 * The ended runs of every process by name, kept across restarts of Taskmaster in the
 * state file's `history` section: at most keptRunsPerProcess runs per process and
 * historyMaxBytes in all.
 */
export class RunHistoryStore {
  private readonly runs: Record<string, RunRecord[]> = {};
  private readonly sizes = new Map<string, number>();
  private totalBytes = 0;

  constructor(private readonly state: StateFile) {
    const saved = state.get(section);
    if (!saved || typeof saved !== 'object' || Array.isArray(saved)) return;
    for (const [name, list] of Object.entries(saved as Record<string, unknown>)) {
      if (!Array.isArray(list)) continue;
      const runs = list.map(savedRun).filter((run): run is RunRecord => run !== null).slice(-keptRunsPerProcess);
      if (runs.length > 0) this.store(name, runs);
    }
    this.trim();
  }

  runsOf(name: string): readonly RunRecord[] {
    return this.runs[name] ?? [];
  }

  add(name: string, run: RunRecord): void {
    this.store(name, [...this.runsOf(name), run].slice(-keptRunsPerProcess));
    this.save();
  }

  /** Replaces a run kept earlier (its last lines arrive once its pipes have ended); a run already dropped stays dropped. */
  replace(name: string, run: RunRecord, updated: RunRecord): void {
    const runs = this.runs[name];
    const index = runs?.indexOf(run) ?? -1;
    if (!runs || index === -1) return;
    this.store(name, runs.map((each, at) => (at === index ? updated : each)));
    this.save();
  }

  private store(name: string, runs: RunRecord[]): void {
    this.totalBytes -= this.sizes.get(name) ?? 0;
    if (runs.length === 0) {
      delete this.runs[name];
      this.sizes.delete(name);
      return;
    }
    const bytes = Buffer.byteLength(JSON.stringify(runs)) + Buffer.byteLength(name) + 4;
    this.runs[name] = runs;
    this.sizes.set(name, bytes);
    this.totalBytes += bytes;
  }

  /** Within historyMaxBytes: drops the oldest run of the largest history until it fits. */
  private trim(): void {
    while (this.totalBytes > historyMaxBytes) {
      let largest = '';
      for (const [name, bytes] of this.sizes) if (bytes > (this.sizes.get(largest) ?? -1)) largest = name;
      this.store(largest, this.runsOf(largest).slice(1));
    }
  }

  private save(): void {
    this.trim();
    this.state.set(section, this.runs);
  }
}
