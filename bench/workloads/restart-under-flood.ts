import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Announcements } from '../lib/announcements.js';
import { sleepMs, withTimeout } from '../lib/deadline.js';
import { readCpuSeconds } from '../lib/proc.js';
import { median, percentile } from '../lib/stats.js';
import { startRespawnLoop, type FloorProcess } from '../tools/floor.js';
import type { Column } from '../report/results.js';
import type { Session } from '../tools/session.js';
import { closeEach, describeError, type BenchContext } from './context.js';

const floodChildren = 10;
const floodLine = 'a line of output much like a busy service would log';
const restartTimeoutMs = 10_000;
const settleMs = 10;
/** Lets the flood reach full speed (and the first rotation happen) before the first kill; shorter in a smoke run. */
const warmUpMs = (sizes: { floodToolBudgetMs: number }): number => Math.min(1000, sizes.floodToolBudgetMs / 4);

type Lane = { readonly tag: string; readonly samples: number[] };

/** kill -9 of the lane's child until its replacement announces itself; throws on a restart that never comes. */
async function killOnce(announcements: Announcements, lane: Lane): Promise<void> {
  const victim = announcements.current(lane.tag)!.pid;
  const killedAt = performance.now();
  process.kill(victim, 'SIGKILL');
  const replacement = await withTimeout(announcements.next(lane.tag, victim), restartTimeoutMs, `${lane.tag} to restart its child`);
  lane.samples.push(replacement.atMs - killedAt);
}

/**
 * Restart latency while ten `yes` children flood their log files (default rotation), one tool
 * at a time; the floor respawn loop is killed in turn with the victim, so it sees the same
 * flood, and once alone before any flood (the idle floor, which the target is against).
 */
export async function measureRestartUnderFlood(context: BenchContext): Promise<void> {
  const { cleanup, sizes, results } = context;
  const announcements = await Announcements.open();
  const idleFloor: Lane = { tag: 'flood-floor-idle', samples: [] };
  const lanes = new Map<Column, Lane>();
  const floorLanes = new Map<Column, Lane>();
  const cpuPercent = new Map<Column, number>();
  const failures = new Map<Column, string>();
  const opened: { close(): Promise<void> }[] = [];
  try {
    const idle = startRespawnLoop(announcements.childArgv(idleFloor.tag), cleanup);
    opened.push(idle);
    await withTimeout(announcements.next(idleFloor.tag, -1), 15_000, 'the idle floor child');
    for (let kill = 0; kill < sizes.floodKills; kill += 1) {
      await killOnce(announcements, idleFloor);
      await sleepMs(settleMs);
    }
    await idle.close();

    for (const tool of context.tools) {
      const dir = await cleanup.makeTempDir(`flood-${tool.name}`);
      const lane: Lane = { tag: `flood-${tool.name}`, samples: [] };
      const floorLane: Lane = { tag: `flood-floor-${tool.name}`, samples: [] };
      lanes.set(tool.name, lane);
      floorLanes.set(tool.name, floorLane);
      let session: Session | undefined;
      let floor: FloorProcess | undefined;
      try {
        context.progress(`restart under flood: ${tool.name}`);
        const flood = Array.from({ length: floodChildren }, (_, index) => ({
          name: `flood${index}`,
          argv: ['yes', floodLine],
          stdoutFile: join(dir, `flood${index}.log`),
          autostart: true,
          rotate: true,
        }));
        session = await tool.launch([...flood, { name: 'victim0', argv: announcements.childArgv(lane.tag), stdoutFile: null, autostart: true }], 'flood');
        floor = startRespawnLoop(announcements.childArgv(floorLane.tag), cleanup);
        await withTimeout(Promise.all([announcements.next(lane.tag, -1), announcements.next(floorLane.tag, -1)]), 15_000, `the first ${tool.name} and floor children`);
        await sleepMs(warmUpMs(sizes));
        const cpuBefore = readCpuSeconds(session.supervisorPid);
        const startedAt = performance.now();
        // supervisord may restart on its one-second tick: its kills stop at the time budget, with fewer samples.
        const budgetEnd = startedAt + sizes.floodToolBudgetMs;
        for (let kill = 0; kill < sizes.floodKills && performance.now() < budgetEnd; kill += 1) {
          for (const each of kill % 2 === 0 ? [lane, floorLane] : [floorLane, lane]) {
            await killOnce(announcements, each);
            await sleepMs(settleMs);
          }
        }
        cpuPercent.set(tool.name, ((readCpuSeconds(session.supervisorPid) - cpuBefore) / ((performance.now() - startedAt) / 1000)) * 100);
      } catch (error) {
        failures.set(tool.name, describeError(error));
      } finally {
        await closeEach(context, [...(floor ? [floor] : []), ...(session ? [session] : [])]);
        // Up to 5.5 GB of rotated logs per tool: gone before the next tool floods.
        await rm(dir, { recursive: true, force: true });
      }
    }
  } finally {
    announcements.close();
    await closeEach(context, opened);
  }

  const label = `restart after kill -9, ${floodChildren} children flooding`;
  const p99 = results.row('flood-restart-p99', label, 'restart latency while 10 children flood their logs, p99', 'ms', { target: '≤ 2 × idle floor p99' });
  const med = results.row('flood-restart-median', label, 'restart latency while 10 children flood their logs, median', 'ms');
  const floorP99 = results.row('flood-floor-p99', label, 'the floor respawn loop killed in turn during the same flood, p99', 'ms');
  const cpu = results.row('flood-cpu', label, 'supervisor CPU during the flood', '% of a core');
  p99.floor = { value: percentile(idleFloor.samples, 0.99) };
  med.floor = { value: median(idleFloor.samples) };
  cpu.floor = { missing: 'no output to pump' };
  for (const [column, reason] of context.unavailable) p99[column] = med[column] = floorP99[column] = cpu[column] = { missing: reason };
  for (const [column, lane] of lanes) {
    const failure = failures.get(column);
    if (failure !== undefined) {
      p99[column] = med[column] = floorP99[column] = cpu[column] = { missing: `failed after ${lane.samples.length} kills: ${failure}` };
      continue;
    }
    p99[column] = { value: percentile(lane.samples, 0.99) };
    med[column] = { value: median(lane.samples) };
    floorP99[column] = { value: percentile(floorLanes.get(column)!.samples, 0.99) };
    cpu[column] = { value: cpuPercent.get(column)! };
    if (lane.samples.length < sizes.floodKills) context.progress(`restart under flood: ${column} gave ${lane.samples.length} of ${sizes.floodKills} kills within the time budget`);
  }
  floorP99.floor = { missing: 'measured in each tool’s column' };
}
