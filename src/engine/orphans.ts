import { readdirSync, readFileSync } from 'node:fs';

/** The variable every child carries, naming the socket of the supervisor that started it. */
export const supervisorSocketVariable = 'TASKMASTER_SOCKET';

function processGroupOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[2]);
  } catch {
    return null;
  }
}

/**
 * Processes started by an earlier supervisor on the same socket that outlived it (it was
 * killed or crashed): they carry its socket in their environment. Linux only; elsewhere,
 * or for a process that cleared its environment, nothing is found.
 */
export function findOrphans(socketPath: string): number[] {
  const marker = Buffer.from(`${supervisorSocketVariable}=${socketPath}\0`);
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const orphans: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`);
      if (environ.includes(marker)) orphans.push(pid);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return orphans;
}

/** Kills the orphans and their process groups; returns the pids that were killed. */
export function killOrphans(socketPath: string): number[] {
  const orphans = findOrphans(socketPath);
  const groups = new Set(orphans.map(processGroupOf).filter((group): group is number => group !== null && group > 1 && group !== process.pid));
  for (const group of groups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // The group may already be empty.
    }
  }
  for (const pid of orphans) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already dead with its group.
    }
  }
  return orphans;
}
