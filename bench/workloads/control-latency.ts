import { performance } from 'node:perf_hooks';
import { median } from '../lib/stats.js';
import type { Session } from '../tools/session.js';

export interface ControlLatency {
  /** Wall time of the CLI's status command, median, in ms. */
  readonly cliMs: number;
  /** The same through the tool's API without the CLI's start-up, median, in ms. */
  readonly apiMs: number;
}

/** `status` of every process through the tool's own CLI, and through its API for comparison. */
export async function measureControlLatency(session: Session, runs: number): Promise<ControlLatency> {
  const cli: number[] = [];
  const api: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    let startedAt = performance.now();
    await session.cliStatus();
    cli.push(performance.now() - startedAt);
    startedAt = performance.now();
    await session.rows();
    api.push(performance.now() - startedAt);
  }
  return { cliMs: median(cli), apiMs: median(api) };
}
