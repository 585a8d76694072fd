import { which } from '../lib/which.js';
import { sampleIdle } from '../lib/idle-sample.js';
import { startChildHolder } from '../tools/floor.js';
import type { Column, ResultTable } from '../report/results.js';
import type { ProgramSpec, Session } from '../tools/session.js';
import { sleepMs } from '../lib/deadline.js';
import { closeEach, describeError, type BenchContext } from './context.js';
import { measureStartCommand } from './start-command.js';

export function idleProgramSpecs(count: number, prefix: string): ProgramSpec[] {
  const sleep = which('sleep');
  return Array.from({ length: count }, (_, index) => ({
    name: count === 1 ? prefix : `${prefix}${String(index).padStart(4, '0')}`,
    argv: [sleep, '1000'],
    stdoutFile: null,
    autostart: true,
  }));
}

export function idleRows(results: ResultTable, count: number): { rss: ReturnType<ResultTable['row']>; cpu: ReturnType<ResultTable['row']> } {
  return {
    rss: results.row(`idle-rss-${count}`, 'idle cost', `supervisor RSS with ${count} process${count === 1 ? '' : 'es'}`, 'MB', count >= 1000 ? { target: '≤ 1.2 × floor' } : {}),
    cpu: results.row(`idle-cpu-${count}`, 'idle cost', `supervisor CPU at idle with ${count} process${count === 1 ? '' : 'es'}`, '% of a core'),
  };
}

/**
 * Supervisor memory and CPU at idle for the small counts: every tool and the floor hold
 * their processes at once and are sampled over the same window.
 */
export async function measureIdleCost(context: BenchContext): Promise<void> {
  for (const count of context.sizes.idleCounts) {
    const rows = idleRows(context.results, count);
    for (const [column, reason] of context.unavailable) rows.rss[column] = rows.cpu[column] = { missing: reason };
    const sessions: Session[] = [];
    try {
      for (const tool of context.tools) {
        context.progress(`idle cost: launching ${tool.name} with ${count}`);
        try {
          sessions.push(await tool.launch(idleProgramSpecs(count, 'idle'), `idle-${count}`));
        } catch (error) {
          rows.rss[tool.name] = rows.cpu[tool.name] = { missing: `could not launch: ${describeError(error)}` };
        }
      }
      const holder = await startChildHolder(count, [which('sleep'), '1000'], context.cleanup);
      // Start-up garbage and timers settle before the window opens.
      await sleepMs(1000);
      const measured: { column: Column; pid: number }[] = [...sessions.map((session) => ({ column: session.tool as Column, pid: session.supervisorPid })), { column: 'floor', pid: holder.pid }];
      const costs = await sampleIdle(measured.map((entry) => entry.pid), context.sizes.idleWindowMs);
      measured.forEach(({ column }, index) => {
        rows.rss[column] = { value: costs[index]!.rssBytes / 1e6 };
        rows.cpu[column] = { value: costs[index]!.cpuPercent };
      });
      await holder.close();
      if (count === 1) await measureStartCommand(context, sessions, 'idle');
    } finally {
      await closeEach(context, sessions);
    }
  }
}
