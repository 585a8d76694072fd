import { readdirSync, readFileSync } from 'node:fs';

/** What /proc/PID/stat tells of one process; `startTime` is in clock ticks since boot (field 22). */
export interface ProcStat {
  readonly pid: number;
  readonly state: string;
  readonly ppid: number;
  readonly pgid: number;
  readonly sid: number;
  readonly startTime: string;
}

/** Parses one /proc/PID/stat line; the command name (field 2) may hold spaces and parentheses. */
export function parseProcStat(line: string): ProcStat | null {
  const open = line.indexOf(' (');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(line.slice(0, open));
  // Field 3 (state) onwards; fields[k] is field k + 3.
  const fields = line.slice(close + 2).trim().split(' ');
  const startTime = fields[19];
  if (!Number.isInteger(pid) || fields.length < 20 || startTime === undefined) return null;
  return { pid, state: fields[0]!, ppid: Number(fields[1]), pgid: Number(fields[2]), sid: Number(fields[3]), startTime };
}

export function readProcStat(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** True while the process with this pid is the one that started at `startTime` and is not a zombie. */
export function isSameLiveProcess(pid: number, startTime: string): boolean {
  const stat = readProcStat(pid);
  return stat !== null && stat.startTime === startTime && stat.state !== 'Z' && stat.state !== 'X';
}

/** Every process visible in /proc, by pid; empty where there is no /proc. */
export function readProcessTable(): Map<number, ProcStat> {
  const table = new Map<number, ProcStat>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const stat = readProcStat(Number(entry));
    if (stat) table.set(stat.pid, stat);
  }
  return table;
}

/** The pid and every ancestor of it up to init, as far as the table knows them. */
export function ancestorsOf(pid: number, table: ReadonlyMap<number, ProcStat>): Set<number> {
  const chain = new Set<number>();
  for (let current: number | undefined = pid; current !== undefined && current > 0 && !chain.has(current); current = table.get(current)?.ppid) {
    chain.add(current);
  }
  return chain;
}

interface ProcessTree {
  readonly table: ReadonlyMap<number, ProcStat>;
  readonly children: ReadonlyMap<number, readonly number[]>;
}

let treeThisTurn: ProcessTree | null = null;

/** One scan of /proc per event-loop turn, however many processes stop in that turn. */
function processTreeThisTurn(): ProcessTree {
  if (treeThisTurn !== null) return treeThisTurn;
  const table = readProcessTable();
  const children = new Map<number, number[]>();
  for (const stat of table.values()) {
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(stat.pid);
    else children.set(stat.ppid, [stat.pid]);
  }
  treeThisTurn = { table, children };
  setImmediate(() => {
    treeThisTurn = null;
  });
  return treeThisTurn;
}

/** The live descendants of `pid` that left its process group (setsid, setpgid): a group signal misses them. */
export function escapedDescendantsOf(pid: number): ProcStat[] {
  const { table, children } = processTreeThisTurn();
  const escaped: ProcStat[] = [];
  const pending = [...(children.get(pid) ?? [])];
  const seen = new Set<number>([pid]);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    const stat = table.get(next);
    if (!stat) continue;
    if (stat.pgid !== pid && stat.state !== 'Z' && stat.state !== 'X') escaped.push(stat);
    pending.push(...(children.get(next) ?? []));
  }
  return escaped;
}
