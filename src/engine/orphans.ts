import { setTimeout as sleep } from 'node:timers/promises';
import { findLeftovers, type Leftover } from './find-leftovers.js';
import { readLeftoverRecord } from './leftover-record.js';
import { listeningPortsOf, portsStillListening } from './listening-ports.js';
import { ancestorsOf, isSameLiveProcess, readProcessTable, readProcStat } from './proc-table.js';

/** Where reclaiming writes its lines: the supervisor's event log. */
export interface LeftoverLog {
  info(message: string, fields?: { event?: string }): void;
  warn(message: string, fields?: { event?: string }): void;
}

export type ReclaimResult =
  | { readonly kind: 'done'; readonly stopped: number }
  | { readonly kind: 'supervisor-alive'; readonly pid: number };

const pollMs = 25;
/** How long a process may take to vanish after SIGKILL, and ports to close after that. */
const killGraceMs = 5_000;

function signalIfSame(leftover: Leftover, pid: number, signal: NodeJS.Signals): void {
  // Checked before every signal: a pid that died meanwhile may have been reused.
  if (!isSameLiveProcess(pid, leftover.startTimes.get(pid)!)) return;
  try {
    process.kill(pid, signal);
  } catch {
    // Gone between the check and the signal.
  }
}

function signalGroupIfLeaderSame(leftover: Leftover, signal: NodeJS.Signals): boolean {
  const { pid, pgid } = leftover.entry;
  if (pgid <= 1 || !isSameLiveProcess(pid, leftover.startTimes.get(pid)!)) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function alivePids(leftover: Leftover): number[] {
  return leftover.pids.filter((pid) => isSameLiveProcess(pid, leftover.startTimes.get(pid)!));
}

async function waitUntilGone(leftover: Leftover, deadlineMs: number, untilFirstGone = false): Promise<number[]> {
  for (;;) {
    const alive = alivePids(leftover);
    if (alive.length === 0 || Date.now() >= deadlineMs) return alive;
    if (untilFirstGone && !alive.includes(leftover.entry.pid)) return alive;
    await sleep(pollMs);
  }
}

function describe(leftover: Leftover, supervisorPid: number): string {
  const others = leftover.pids.length - 1;
  return `leftover ${leftover.entry.name} (pid ${leftover.entry.pid}${others > 0 ? ` and ${others} more` : ''}) of taskmaster pid ${supervisorPid}`;
}

/** Stops one leftover as the dead supervisor would have: stopsignal, stoptime, then SIGKILL. */
async function stopLeftover(leftover: Leftover, supervisorPid: number, log: LeftoverLog): Promise<void> {
  const { entry } = leftover;
  const startedMs = Date.now();
  if (!(entry.stopAsGroup && signalGroupIfLeaderSame(leftover, entry.stopSignal))) signalIfSame(leftover, entry.pid, entry.stopSignal);
  // Members no group signal reaches get the stop signal themselves: nobody else is left to stop them.
  for (const pid of leftover.pids.slice(1)) if (!entry.stopAsGroup || !isInGroup(pid, entry.pgid)) signalIfSame(leftover, pid, entry.stopSignal);
  const deadlineMs = startedMs + entry.stopTimeMs;
  let alive = await waitUntilGone(leftover, deadlineMs, true);
  // The process is gone: what it left in its group is killed, as after any exit with killasgroup.
  if (alive.length > 0 && !alive.includes(entry.pid) && entry.killAsGroup) {
    for (const pid of alive) if (isInGroup(pid, entry.pgid)) signalIfSame(leftover, pid, 'SIGKILL');
  }
  alive = await waitUntilGone(leftover, deadlineMs);
  const seconds = ((Date.now() - startedMs) / 1000).toFixed(1);
  if (alive.length === 0) {
    log.info(`stopped ${describe(leftover, supervisorPid)} with ${entry.stopSignal} in ${seconds}s`, { event: 'leftover_stopped' });
    return;
  }
  if (entry.killAsGroup || entry.stopAsGroup) signalGroupIfLeaderSame(leftover, 'SIGKILL');
  for (const pid of alive) signalIfSame(leftover, pid, 'SIGKILL');
  const survivors = await waitUntilGone(leftover, Date.now() + killGraceMs);
  const outcome = survivors.length === 0 ? 'killed' : `could not kill pid ${survivors.join(', ')} of`;
  log.warn(`${outcome} ${describe(leftover, supervisorPid)} with SIGKILL: still running ${seconds}s after ${entry.stopSignal}`, { event: 'leftover_killed' });
}

function isInGroup(pid: number, pgid: number): boolean {
  return readProcStat(pid)?.pgid === pgid;
}

/**
 * Finds what a supervisor that died on this config left running, from its record checked
 * against /proc, stops it gracefully, and waits until it is gone and its TCP ports are
 * free. Resolves `supervisor-alive` instead when that supervisor still runs.
 */
export async function reclaimLeftovers(recordPath: string, log: LeftoverLog): Promise<ReclaimResult> {
  const record = readLeftoverRecord(recordPath);
  if (!record) return { kind: 'done', stopped: 0 };
  const table = readProcessTable();
  const search = findLeftovers(record, table, ancestorsOf(process.pid, table));
  if (search.kind === 'supervisor-alive') return search;
  for (const { entry, reason } of search.skipped) log.warn(`not touching ${entry.name} of the previous taskmaster: ${reason}`, { event: 'leftover_skipped' });
  const { leftovers } = search;
  if (leftovers.length === 0) return { kind: 'done', stopped: 0 };
  const ports = listeningPortsOf(leftovers.flatMap((leftover) => leftover.pids));
  const count = leftovers.reduce((sum, leftover) => sum + leftover.pids.length, 0);
  log.warn(`taskmaster pid ${record.supervisor.pid} died without stopping its programs: stopping ${count} process${count === 1 ? '' : 'es'} it left before starting anything`, { event: 'leftovers_found' });
  await Promise.all(leftovers.map((leftover) => stopLeftover(leftover, record.supervisor.pid, log)));
  const portsDeadlineMs = Date.now() + killGraceMs;
  let busy = portsStillListening(ports);
  while (busy.length > 0 && Date.now() < portsDeadlineMs) {
    await sleep(pollMs);
    busy = portsStillListening(ports);
  }
  if (busy.length > 0) log.warn(`port${busy.length === 1 ? '' : 's'} ${busy.join(', ')} of the previous taskmaster's programs still in use`, { event: 'leftover_ports' });
  return { kind: 'done', stopped: count };
}
