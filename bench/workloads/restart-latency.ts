import { performance } from 'node:perf_hooks';
import { Announcements } from '../lib/announcements.js';
import { sleepMs, withTimeout } from '../lib/deadline.js';
import { median, percentile } from '../lib/stats.js';
import { startRespawnLoop } from '../tools/floor.js';
import type { Column } from '../report/results.js';
import type { Session } from '../tools/session.js';
import type { TaskmasterSession } from '../tools/taskmaster.js';
import { followStateEvents, type StateEvent } from '../tools/taskmaster-events.js';
import { closeEach, describeError, rotate, type BenchContext } from './context.js';

const restartTimeoutMs = 10_000;
/** Lets a tool finish its post-restart bookkeeping before the next kill. */
const settleMs = 10;
/** supervisord restarts on its one-second tick; four instances killed side by side keep it to a quarter of the wall time. */
const slowLanes = 4;

/** The next RUNNING event of `name` with a pid other than `notPid`, from Taskmaster's event stream. */
class RunningEvents {
  private latest: StateEvent | undefined;
  private waiter: { notPid: number; resolve: (event: StateEvent) => void } | undefined;

  constructor(private readonly name: string) {}

  readonly onState = (event: StateEvent): void => {
    if (event.name !== this.name || event.state !== 'RUNNING' || event.pid === null) return;
    this.latest = event;
    if (this.waiter && this.waiter.notPid !== event.pid) {
      this.waiter.resolve(event);
      this.waiter = undefined;
    }
  };

  next(notPid: number): Promise<StateEvent> {
    if (this.latest && this.latest.pid !== notPid) return Promise.resolve(this.latest);
    return new Promise((resolve) => (this.waiter = { notPid, resolve }));
  }
}

/** kill -9 of a supervised child until its replacement runs, alternating between tools every kill. */
export async function measureRestartLatency(context: BenchContext): Promise<void> {
  const { cleanup, sizes, results } = context;
  const announcements = await Announcements.open();
  const samples = new Map<Column, number[]>();
  const sseSamples: number[] = [];
  const failures = new Map<Column, string>();
  let closeEvents: (() => void) | undefined;
  const opened: { close(): Promise<void> }[] = [];
  try {
    const sessions = new Map<Column, Session | null>();
    for (const tool of context.tools) {
      context.progress(`restart latency: launching ${tool.name}`);
      // One instance per lane: a second program in the same supervisord would wake its loop and flatter it.
      const laneCount = tool.name === 'supervisord' ? slowLanes : 1;
      try {
        for (let lane = 0; lane < laneCount; lane += 1) {
          const session = await tool.launch([{ name: 'victim0', argv: announcements.childArgv(`${tool.name}-${lane}`), stdoutFile: null, autostart: true }], `restart-${lane}`);
          opened.push(session);
          if (lane === 0) sessions.set(tool.name, session);
        }
      } catch (error) {
        failures.set(tool.name, `could not launch: ${describeError(error)}`);
      }
    }
    opened.push(startRespawnLoop(announcements.childArgv('floor-0'), cleanup));
    sessions.set('floor', null);
    const events = new RunningEvents('victim0');
    const taskmaster = sessions.get('taskmaster') as TaskmasterSession | undefined;
    if (taskmaster) closeEvents = (await followStateEvents(taskmaster.socketPath, events.onState)).close;

    const participants = [...sessions.keys()].filter((column) => !failures.has(column));
    for (const column of participants) {
      samples.set(column, []);
      const lanes = column === 'supervisord' ? slowLanes : 1;
      for (let lane = 0; lane < lanes; lane += 1) await withTimeout(announcements.next(`${column}-${lane}`, -1), 15_000, `the first ${column} child`);
    }

    const killOnce = async (column: Column, lane: number): Promise<void> => {
      if (failures.has(column)) return;
      const tag = `${column}-${lane}`;
      const victim = announcements.current(tag)!.pid;
      const sse = column === 'taskmaster' ? events.next(victim) : undefined;
      const killedAt = performance.now();
      process.kill(victim, 'SIGKILL');
      try {
        const replacement = await withTimeout(announcements.next(tag, victim), restartTimeoutMs, `${column} to restart its child`);
        samples.get(column)!.push(replacement.atMs - killedAt);
        if (sse) sseSamples.push((await withTimeout(sse, restartTimeoutMs, 'the RUNNING event')).atMs - killedAt);
      } catch (error) {
        failures.set(column, describeError(error));
      }
    };

    // supervisord takes about a second per restart, asleep in its event loop: its kills run in
    // parallel lanes (one program each, staggered) beside the others', to fit the time budget.
    const slowLoops = participants
      .filter((column) => column === 'supervisord')
      .flatMap((column) =>
        Array.from({ length: slowLanes }, async (_, lane) => {
          await sleepMs((lane * 1000) / slowLanes);
          for (let kill = lane; kill < sizes.kills && !failures.has(column); kill += slowLanes) {
            await killOnce(column, lane);
            await sleepMs(settleMs);
          }
        }),
      );
    const fast = participants.filter((column) => column !== 'supervisord');
    for (let round = 0; round < sizes.kills; round += 1) {
      if (round % 50 === 0) context.progress(`restart latency: kill ${round + 1} of ${sizes.kills}`);
      for (const column of rotate(fast, round)) {
        await killOnce(column, 0);
        await sleepMs(settleMs);
      }
    }
    await Promise.all(slowLoops);
  } finally {
    closeEvents?.();
    announcements.close();
    await closeEach(context, opened);
  }

  const medianCells = results.row('restart-median', 'restart after kill -9', 'restart latency, median', 'ms', { target: '≤ 1.25 × floor' });
  const p99Cells = results.row('restart-p99', 'restart after kill -9', 'restart latency, p99', 'ms');
  for (const [column, reason] of context.unavailable) {
    medianCells[column] = { missing: reason };
    p99Cells[column] = { missing: reason };
  }
  for (const [column, values] of samples) {
    const failure = failures.get(column);
    if (failure !== undefined && values.length < sizes.kills) {
      medianCells[column] = { missing: `failed after ${values.length} kills: ${failure}` };
      p99Cells[column] = { missing: `failed after ${values.length} kills` };
      continue;
    }
    medianCells[column] = { value: median(values) };
    p99Cells[column] = { value: percentile(values, 0.99) };
  }
  for (const [column, failure] of failures) if (!samples.has(column)) medianCells[column] = { missing: failure };
  if (sseSamples.length > 0) {
    const sseCells = results.row('restart-sse-median', 'restart after kill -9', 'restart latency by Taskmaster’s own event stream, median', 'ms');
    const sseP99 = results.row('restart-sse-p99', 'restart after kill -9', 'restart latency by Taskmaster’s own event stream, p99', 'ms');
    sseCells.taskmaster = { value: median(sseSamples) };
    sseP99.taskmaster = { value: percentile(sseSamples, 0.99) };
    for (const column of ['supervisord', 'pm2', 'floor'] as const) sseCells[column] = sseP99[column] = { missing: 'Taskmaster’s API only' };
  }
}
