import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sleepMs, waitUntil } from '../lib/deadline.js';
import { readCpuSeconds, readRssBytes } from '../lib/proc.js';
import { median } from '../lib/stats.js';
import { startTickSpawner } from '../tools/floor.js';
import type { TaskmasterSession } from '../tools/taskmaster.js';
import { closeEach, describeError, type BenchContext } from './context.js';

const everySecond = '* * * * * *';
const jobArgv = ['/bin/true'];
/** Lets the first ticks (and the JIT) pass before the window opens; shorter in a smoke run. */
const warmUpMs = (windowMs: number): number => Math.min(2000, windowMs / 2);
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
  /** Resident memory at the end of the window: fork() copies its page tables on every spawn. */
  readonly rssBytes: number;
  /** One status of every process through the tool's API, asked right after the window: is the supervisor still answering? */
  readonly statusMs?: number;
  /** Whole seconds in the window: runs are counted by when they spawned, whatever their tick. */
  readonly seconds: number;
}

/** Waits out a window of whole seconds; returns its first and last tick and the CPU of `pid` over it. */
async function overWindow(pid: number, windowMs: number): Promise<{ fromMs: number; toMs: number; cpuPercent: number; rssBytes: number }> {
  const cpuBefore = readCpuSeconds(pid);
  const startedAt = performance.now();
  const fromMs = Math.ceil(Date.now() / 1000) * 1000;
  await sleepMs(windowMs);
  const cpuPercent = ((readCpuSeconds(pid) - cpuBefore) / ((performance.now() - startedAt) / 1000)) * 100;
  return { fromMs, toMs: Math.floor(Date.now() / 1000) * 1000, cpuPercent, rssBytes: readRssBytes(pid) };
}

/** Taskmaster with `jobs` every-second schedules: how late each run's spawn is after its tick. */
async function measureTaskmaster(context: BenchContext, jobs: number): Promise<Window> {
  const tool = context.tools.find((each) => each.name === 'taskmaster')!;
  const programs = Array.from({ length: jobs }, (_, index) => ({ name: `job${index}`, argv: jobArgv, stdoutFile: null, autostart: false, schedule: everySecond }));
  const session = (await tool.launch(programs, 'schedule')) as TaskmasterSession;
  try {
    const logFile = join(dirname(session.socketPath), 'taskmaster.log');
    context.progress('schedules: taskmaster is up, waiting for the first run');
    await waitUntil(async () => spawnTimes(await readFile(logFile, 'utf8')).length > 0, 'the first scheduled run', 15_000, 100);
    await sleepMs(warmUpMs(context.sizes.scheduleWindowMs));
    const { fromMs, toMs, cpuPercent, rssBytes } = await overWindow(session.supervisorPid, context.sizes.scheduleWindowMs);
    // The log has no tick, only the spawn: its lateness is read as its distance past the last whole second,
    // right below a second; runs later than that show as missing runs per tick.
    const inWindow = spawnTimes(await readFile(logFile, 'utf8')).filter((at) => at >= fromMs && at < toMs);
    const statusStartedAt = performance.now();
    await session.rows();
    const statusMs = performance.now() - statusStartedAt;
    return { latenessMs: inWindow.map((at) => at % 1000), cpuPercent, rssBytes, statusMs, seconds: (toMs - fromMs) / 1000 };
  } finally {
    context.progress('schedules: stopping taskmaster');
    await closeEach(context, [session]);
  }
}

/** The floor spawns every job of every tick it serves, however late: its lateness past a second is real. */
async function measureFloor(context: BenchContext, jobs: number): Promise<Window> {
  const spawner = startTickSpawner(jobs, jobArgv, context.cleanup);
  try {
    await sleepMs(warmUpMs(context.sizes.scheduleWindowMs));
    const { fromMs, toMs, cpuPercent, rssBytes } = await overWindow(spawner.pid, context.sizes.scheduleWindowMs);
    const inWindow = (await spawner.finish()).filter((spawn) => spawn.tickAtMs + spawn.latenessMs >= fromMs && spawn.tickAtMs + spawn.latenessMs < toMs);
    return { latenessMs: inWindow.map((spawn) => spawn.latenessMs), cpuPercent, rssBytes, seconds: (toMs - fromMs) / 1000 };
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
    runs: results.row('schedule-runs', label, `${label}: runs started per second (right answer: ${jobs})`, 'runs/s'),
    cpu: results.row('schedule-cpu', label, `${label}: supervisor CPU`, '% of a core'),
    rss: results.row('schedule-rss', label, `${label}: supervisor RSS`, 'MB'),
    status: results.row('schedule-status', label, `${label}: one status of all through the API meanwhile`, 'ms'),
  };
  const fill = (column: 'taskmaster' | 'floor', window: Window): void => {
    rows.median[column] = { value: median(window.latenessMs) };
    rows.worst[column] = { value: Math.max(...window.latenessMs) };
    rows.runs[column] = { value: window.latenessMs.length / window.seconds };
    rows.cpu[column] = { value: window.cpuPercent };
    rows.rss[column] = { value: window.rssBytes / 1e6 };
    rows.status[column] = window.statusMs === undefined ? { missing: 'no API' } : { value: window.statusMs };
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
