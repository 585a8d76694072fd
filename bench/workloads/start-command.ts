import { performance } from 'node:perf_hooks';
import { median } from '../lib/stats.js';
import type { Session } from '../tools/session.js';
import { describeError, rotate, type BenchContext } from './context.js';

/** Issue 3's figure: wall time of the CLI's `start NAME` for a stopped program with starttime 0. */
export async function measureStartCommand(context: BenchContext, sessions: readonly Session[], name: string): Promise<void> {
  const cells = context.results.row('start-command', 'control latency', '`ctl start NAME`, one program, starttime 0 (CLI wall time)', 'ms');
  for (const [column, reason] of context.unavailable) cells[column] = { missing: reason };
  cells.floor = { missing: 'no CLI' };
  const samples = new Map<Session, number[]>(sessions.map((session) => [session, []]));
  for (const session of sessions) {
    try {
      await session.cliStop(name);
    } catch (error) {
      cells[session.tool] = { missing: describeError(error) };
      samples.delete(session);
    }
  }
  for (let run = 0; run < context.sizes.cliRuns; run += 1) {
    for (const session of rotate([...samples.keys()], run)) {
      const startedAt = performance.now();
      await session.cliStart(name);
      samples.get(session)!.push(performance.now() - startedAt);
      await session.cliStop(name);
    }
  }
  for (const [session, values] of samples) cells[session.tool] = { value: median(values) };
}
