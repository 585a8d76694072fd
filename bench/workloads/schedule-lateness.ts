import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sleepMs, waitUntil } from '../lib/deadline.js';
import { readCpuSeconds } from '../lib/proc.js';
import { median } from '../lib/stats.js';
import { startTickSpawner } from '../tools/floor.js';
import type { TaskmasterSession } from '../tools/taskmaster.js';
import { closeEach, describeError, type BenchContext } from './context.js';

const everySecond = '* * * * * *';
const jobArgv = ['/bin/true'];
/** Lets the first ticks (and the JIT) pass before the window opens. */
const warmUpMs = 2000;
const spawnedLine = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3}) \S+ spawned: '/;

/** Spawn times (ms since the epoch) from Taskmaster's event log, whose text lines carry local time to the millisecond. */
function spawnTimes(log: string): number[] {
  const times: number[] = [];
  for (const line of log.split('\n')) {
    const match = spawnedLine.exec(line);
    if (match) times.push(new Date(`${match[1]}T${match[2]}.${match[3]}`).getTime());
  }
  return times;
}

interface Window {
  readonly latenessMs: readonly number[];
  readonly cpuPercent: number;
  readonly ticks: number;
}

/** Runs `body` over a window of whole seconds and returns the supervisor's CPU over it and the ticks it held. */
async function overWindow(pid: number, windowMs: number, body: () => void = () => {}): Promise<{ fromMs: number; toMs: number; cpuPercent: number }> {
  // The window opens just after a tick's spawns have begun, so it holds whole ticks.
  await sleepMs(1000 - (Date.now() % 1000) + 500);
  const fromMs = Math.ceil(Date.now() / 1000) * 1000;
  body();
  const cpuBefore = readCpuSeconds(pid);
  const startedAt = performance.now();
  await sleepMs(windowMs);
  const cpuPercent = ((readCpuSeconds(pid) - cpuBefore) / ((performance.now() - startedAt) / 1000)) * 100;
  // The last tick counted is one whose second has fully passed.
  return { fromMs, toMs: Math.floor(Date.now() / 1000) * 1000 - 1000, cpuPercent };
}

/** Taskmaster with `jobs` every-second schedules: how late each run's spawn is after its tick. */
async function measureTaskmaster(context: BenchContext, jobs: number): Promise<Window> {
  const tool = context.tools.find((each) => each.name === 'taskmaster')!;
  const programs = Array.from({ length: jobs }, (_, index) => ({ name: `job${index}`, argv: jobArgv, stdoutFile: null, autostart: false, schedule: everySecond }));
  const session = (await tool.launch(programs, 'schedule')) as TaskmasterSession;
  try {
    const logFile = join(dirname(session.socketPath), 'taskmaster.log');
    await waitUntil(async () => spawnTimes(await readFile(logFile, 'utf8')).length > 0, 'the first scheduled run', 15_000, 100);
    await sleepMs(warmUpMs);
    const { fromMs, toMs, cpuPercent } = await overWindow(session.supervisorPid, context.sizes.scheduleWindowMs);
    // Ticks fall on whole seconds: a spawn's lateness is its distance past the last one (valid below a second, see runs per tick).
    const inWindow = spawnTimes(await readFile(logFile, 'utf8')).filter((at) => at >= fromMs && at < toMs + 1000);
    return { latenessMs: inWindow.map((at) => at % 1000), cpuPercent, ticks: (toMs - fromMs) / 1000 + 1 };
  } finally {
    await closeEach(context, [session]);
  }
}

async function measureFloor(context: BenchContext, jobs: number): Promise<Window> {
  const spawner = startTickSpawner(jobs, jobArgv, context.cleanup);
  try {
    await sleepMs(warmUpMs + 1000);
    const { cpuPercent } = await overWindow(spawner.pid, context.sizes.scheduleWindowMs, spawner.reset);
    const latenessMs = await spawner.finish();
    return { latenessMs, cpuPercent, ticks: latenessMs.length / jobs };
  } finally {
    await closeEach(context, [spawner]);
  }
}

export async function measureScheduleLateness(context: BenchContext): Promise<void> {
  const { sizes, results } = context;
  const jobs = sizes.scheduleJobs;
  const label = `${jobs} jobs scheduled every second`;
  const rows = {
    median: results.row('schedule-lateness-median', label, `${label}: spawn after its tick, median`, 'ms'),
    worst: results.row('schedule-lateness-worst', label, `${label}: spawn after its tick, worst`, 'ms'),
    runs: results.row('schedule-runs', label, `${label}: runs per tick (right answer: ${jobs})`, 'runs'),
    cpu: results.row('schedule-cpu', label, `${label}: supervisor CPU`, '% of a core'),
  };
  const fill = (column: 'taskmaster' | 'floor', window: Window): void => {
    rows.median[column] = { value: median(window.latenessMs) };
    rows.worst[column] = { value: Math.max(...window.latenessMs) };
    rows.runs[column] = column === 'floor' ? { missing: 'spawns every one by construction' } : { value: window.latenessMs.length / window.ticks };
    rows.cpu[column] = { value: window.cpuPercent };
  };
  for (const row of Object.values(rows)) {
    row.supervisord = { missing: 'no schedules' };
    row.pm2 = { missing: 'cron_restart restarts a running app; no run-to-completion job' };
    for (const [column, reason] of context.unavailable) if (column === 'taskmaster') row[column] = { missing: reason };
  }
  context.progress(`schedules: floor, ${jobs} spawns each second`);
  try {
    fill('floor', await measureFloor(context, jobs));
  } catch (error) {
    for (const row of Object.values(rows)) row.floor = { missing: describeError(error) };
  }
  if (!context.tools.some((each) => each.name === 'taskmaster')) return;
  context.progress(`schedules: taskmaster, ${jobs} jobs every second`);
  try {
    fill('taskmaster', await measureTaskmaster(context, jobs));
  } catch (error) {
    for (const row of Object.values(rows)) row.taskmaster = { missing: describeError(error) };
  }
}
