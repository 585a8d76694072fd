import { performance } from 'node:perf_hooks';
import { median } from '../lib/stats.js';
import { runCommand } from '../lib/run-command.js';
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

/** `node -e 0` and the CLI's status alternated (A B A B ...), so both see the same load. */
export interface PairedLatency {
  readonly pairs: number;
  /** Medians of each side, in ms. */
  readonly nodeMs: number;
  readonly cliMs: number;
  /** The median of each pair's CLI / node ratio: steadier than the ratio of medians when load drifts. */
  readonly pairRatio: number;
}

/** Node's bare start-up (`node -e 0`, spawned as the CLI is) against the CLI's status, paired. */
export async function measurePairedLatency(session: Session, pairs: number): Promise<PairedLatency> {
  const node: number[] = [];
  const cli: number[] = [];
  for (let pair = 0; pair < pairs; pair += 1) {
    let startedAt = performance.now();
    const bare = await runCommand(process.execPath, ['-e', '0']);
    if (bare.code !== 0) throw new Error(`node -e 0 exited ${bare.code}`);
    node.push(performance.now() - startedAt);
    startedAt = performance.now();
    await session.cliStatus();
    cli.push(performance.now() - startedAt);
  }
  return { pairs, nodeMs: median(node), cliMs: median(cli), pairRatio: median(cli.map((ms, index) => ms / node[index]!)) };
}
