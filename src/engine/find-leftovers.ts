import type { LeftoverEntry, LeftoverRecord } from './leftover-record.js';
import type { ProcStat } from './proc-table.js';

/** A recorded process still alive, with what it brought along: its group and its descendants. */
export interface Leftover {
  readonly entry: LeftoverEntry;
  /** The recorded pid first, then the members of its group, then descendants that left the group. */
  readonly pids: readonly number[];
  /** The start time of each pid, to check again before every signal. */
  readonly startTimes: ReadonlyMap<number, string>;
}

export type LeftoverSearch =
  | { readonly kind: 'supervisor-alive'; readonly pid: number }
  | { readonly kind: 'found'; readonly leftovers: readonly Leftover[]; readonly skipped: readonly { readonly entry: LeftoverEntry; readonly reason: string }[] };

function pushTo(map: Map<number, number[]>, key: number, pid: number): void {
  const list = map.get(key);
  if (list) list.push(pid);
  else map.set(key, [pid]);
}

function isLive(stat: ProcStat | undefined): stat is ProcStat {
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/**
 * Which processes of a dead supervisor's record still run, checked against /proc: a pid
 * whose start time differs was reused and is never touched, nor is any of `protectedPids`
 * (this supervisor and its ancestors). A descendant counts while /proc still links it,
 * through parent pids, to a recorded process, even after setsid or a double fork.
 */
export function findLeftovers(record: LeftoverRecord, table: ReadonlyMap<number, ProcStat>, protectedPids: ReadonlySet<number>): LeftoverSearch {
  const previous = table.get(record.supervisor.pid);
  if (isLive(previous) && previous.startTime === record.supervisor.startTime && !protectedPids.has(previous.pid)) {
    return { kind: 'supervisor-alive', pid: previous.pid };
  }
  const children = new Map<number, number[]>();
  const groups = new Map<number, number[]>();
  for (const stat of table.values()) {
    if (!isLive(stat)) continue;
    pushTo(children, stat.ppid, stat.pid);
    pushTo(groups, stat.pgid, stat.pid);
  }
  const claimed = new Set<number>();
  const leftovers: Leftover[] = [];
  const skipped: { entry: LeftoverEntry; reason: string }[] = [];
  for (const entry of record.processes) {
    const stat = table.get(entry.pid);
    if (!isLive(stat)) continue;
    if (stat.startTime !== entry.startTime) {
      skipped.push({ entry, reason: `pid ${entry.pid} now belongs to another process (start time differs)` });
      continue;
    }
    if (protectedPids.has(entry.pid)) {
      skipped.push({ entry, reason: `pid ${entry.pid} is this taskmaster or one of its ancestors` });
      continue;
    }
    if (claimed.has(entry.pid)) continue;
    // The group counts only while its recorded leader is the same process: a group id outlives no reuse of it.
    const queue = [entry.pid, ...(stat.pgid === entry.pgid ? groups.get(entry.pgid) ?? [] : [])];
    const found: number[] = [];
    for (let index = 0; index < queue.length; index += 1) {
      const pid = queue[index]!;
      if (claimed.has(pid) || protectedPids.has(pid)) continue;
      claimed.add(pid);
      found.push(pid);
      queue.push(...(children.get(pid) ?? []));
    }
    leftovers.push({ entry, pids: found, startTimes: new Map(found.map((pid) => [pid, table.get(pid)!.startTime])) });
  }
  return { kind: 'found', leftovers, skipped };
}
