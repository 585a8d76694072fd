import type { RunRecord } from '../contracts/process-info.js';

export type { RunRecord };

const keptRuns = 20;

/** The last runs of a process, newest last, for `history` and a job's last result. */
export class RunHistory {
  private readonly runs: RunRecord[] = [];

  started(atMs: number): void {
    this.runs.push({ startedAt: atMs, endedAt: null, durationMs: null, exitCode: null, signal: null, result: 'running' });
    if (this.runs.length > keptRuns) this.runs.shift();
  }

  ended(atMs: number, exitCode: number | null, signal: string | null, result: RunRecord['result']): void {
    const last = this.runs.at(-1);
    if (!last || last.result !== 'running') return;
    this.runs[this.runs.length - 1] = { ...last, endedAt: atMs, durationMs: atMs - last.startedAt, exitCode, signal, result };
  }

  list(): readonly RunRecord[] {
    return this.runs;
  }

  last(): RunRecord | undefined {
    return this.runs.at(-1);
  }
}
