import { readFileSync } from 'node:fs';
import { readRssBytes } from '../lib/proc.js';
import { sleepMs } from '../lib/deadline.js';
import { which } from '../lib/which.js';
import { startRespawnLoop, type FloorProcess } from '../tools/floor.js';
import type { Column } from '../report/results.js';
import { closeEach, describeError, type BenchContext } from './context.js';
import { idleProgramSpecs } from './idle-cost.js';

/** How often RSS is read along the churn: this many samples over the whole run. */
const samples = 20;
const restartTimeoutMs = 10_000;

/** The direct children of `pid`, from the kernel: the same view of Taskmaster and of the floor. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Waits until `parent` has `count` children again and `victim` is not among them. */
async function waitReplaced(parent: number, victim: number, count: number): Promise<number[]> {
  const deadline = Date.now() + restartTimeoutMs;
  for (;;) {
    const children = childrenOf(parent);
    if (children.length >= count && !children.includes(victim)) return children;
    if (Date.now() > deadline) throw new Error(`no replacement for pid ${victim} within ${restartTimeoutMs} ms`);
    await sleepMs(1);
  }
}

interface ChurnFigures {
  readonly beforeBytes: number;
  readonly afterBytes: number;
  readonly peakBytes: number;
}

/** kill -9 of a random child of `parent`, `kills` times, each once the previous one is replaced; RSS read along the way. */
async function churn(context: BenchContext, what: string, parent: number, count: number, kills: number): Promise<ChurnFigures> {
  let children = await waitReplaced(parent, -1, count);
  await sleepMs(1000);
  const beforeBytes = readRssBytes(parent);
  let peakBytes = beforeBytes;
  const every = Math.max(1, Math.floor(kills / samples));
  for (let kill = 1; kill <= kills; kill += 1) {
    const victim = children[Math.floor(Math.random() * children.length)]!;
    process.kill(victim, 'SIGKILL');
    children = await waitReplaced(parent, victim, count);
    if (kill % every === 0) peakBytes = Math.max(peakBytes, readRssBytes(parent));
    if (kill % (every * 5) === 0) context.progress(`churn: ${what} kill ${kill} of ${kills}`);
  }
  // The last restart's bookkeeping (history, records) lands before the reading.
  await sleepMs(1000);
  const afterBytes = readRssBytes(parent);
  return { beforeBytes, afterBytes, peakBytes: Math.max(peakBytes, afterBytes) };
}

/**
 * Memory under churn: a fleet whose children are killed with SIGKILL at random, one after
 * another, each once its replacement runs; the floor's respawn loop takes the same kills.
 */
export async function measureChurn(context: BenchContext): Promise<void> {
  const { results, sizes } = context;
  const { kills, fleet } = sizes.churn;
  const before = results.row('churn-rss-before', `churn (${kills} kills)`, `supervisor RSS with ${fleet} processes before the kills`, 'MB');
  const after = results.row('churn-rss-after', `churn (${kills} kills)`, `supervisor RSS after ${kills} kill -9 of random children, each restarted`, 'MB');
  const peak = results.row('churn-rss-peak', `churn (${kills} kills)`, 'supervisor RSS, highest reading along the churn', 'MB');
  const growth = results.row('churn-rss-growth', `churn (${kills} kills)`, 'RSS growth over the churn, after / before', '×', { target: '≤ 1.1 × floor' });
  const all = [before, after, peak, growth];
  for (const [column, reason] of context.unavailable) for (const cells of all) cells[column] = { missing: reason };
  const record = (column: Column, figures: ChurnFigures): void => {
    before[column] = { value: figures.beforeBytes / 1e6 };
    after[column] = { value: figures.afterBytes / 1e6 };
    peak[column] = { value: figures.peakBytes / 1e6 };
    growth[column] = { value: figures.afterBytes / figures.beforeBytes };
  };
  for (const tool of context.tools) {
    // The other tools restart on a one-second tick or throttle a crash loop: 10,000 kills would not fit the budget.
    if (tool.name !== 'taskmaster') {
      for (const cells of all) cells[tool.name] = { missing: 'not run: Taskmaster and the floor only' };
      continue;
    }
    context.progress(`churn: launching ${tool.name} with ${fleet}`);
    try {
      const session = await tool.launch(idleProgramSpecs(fleet, 'churn'), 'churn');
      try {
        record(tool.name, await churn(context, tool.name, session.supervisorPid, fleet, kills));
      } finally {
        await closeEach(context, [session]);
      }
    } catch (error) {
      for (const cells of all) cells[tool.name] ??= { missing: `failed: ${describeError(error)}` };
    }
  }
  let loop: FloorProcess | undefined;
  try {
    loop = startRespawnLoop([which('sleep'), '1000'], context.cleanup);
    record('floor', await churn(context, 'floor', loop.pid, 1, kills));
  } catch (error) {
    for (const cells of all) cells.floor ??= { missing: `failed: ${describeError(error)}` };
  } finally {
    if (loop) await closeEach(context, [loop]);
  }
}
