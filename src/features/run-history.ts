import type { RunRecord } from '../contracts/process-info.js';
import { keptLinesPerRun, type RunHistoryStore } from './run-history-store.js';

export type { RunRecord };
export { keptLinesPerRun };

/** The runs of one process, newest last: the ended ones from the store (kept across restarts), then the one going on. */
export class RunHistory {
  private running: RunRecord | null = null;

  constructor(
    private readonly store: RunHistoryStore,
    private readonly name: () => string,
  ) {}

  started(atMs: number): void {
    this.running = { startedAt: atMs, endedAt: null, durationMs: null, exitCode: null, signal: null, result: 'running', lastLines: [] };
  }

  /** Ends the run going on and keeps it; returns it, or null when none was going on. */
  ended(atMs: number, exitCode: number | null, signal: string | null, result: RunRecord['result']): RunRecord | null {
    const run = this.running;
    if (!run) return null;
    this.running = null;
    const ended: RunRecord = { ...run, endedAt: atMs, durationMs: atMs - run.startedAt, exitCode, signal, result };
    this.store.add(this.name(), ended);
    return ended;
  }

  /** Adds its last lines to a run that failed, once they are all in. */
  addLines(run: RunRecord, lines: readonly string[]): void {
    if (lines.length > 0) this.store.replace(this.name(), run, { ...run, lastLines: lines.slice(-keptLinesPerRun) });
  }

  list(): readonly RunRecord[] {
    const ended = this.store.runsOf(this.name());
    return this.running ? [...ended, this.running] : ended;
  }

  last(): RunRecord | undefined {
    return this.running ?? this.store.runsOf(this.name()).at(-1);
  }
}
