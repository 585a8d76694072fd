import type { ProgramConfig } from '../config/types.js';
import { TaskmasterError } from '../contracts/errors.js';
import type { ManagedProcess } from './managed-process.js';

interface Entry {
  readonly config: ProgramConfig;
  readonly processes: readonly ManagedProcess[];
}

/** The processes one name stands for; [] when it names nothing. */
function processesNamed(name: string, entries: readonly Entry[]): readonly ManagedProcess[] {
  const colon = name.indexOf(':');
  if (colon !== -1) {
    const group = name.slice(0, colon);
    const processName = name.slice(colon + 1);
    const members = entries.filter((entry) => entry.config.group === group).flatMap((entry) => entry.processes);
    if (processName === '' || processName === '*') return members;
    return members.filter((process) => process.processName === processName);
  }
  const members = entries.filter((entry) => entry.config.group === name);
  if (members.length > 0) return members.flatMap((entry) => entry.processes);
  const program = entries.find((entry) => entry.config.name === name);
  if (program) return program.processes;
  // Unique: a process name shared by two groups is a program's name (web_00 of web), found above.
  return entries.flatMap((entry) => entry.processes).filter((process) => process.processName === name);
}

/**
 * Turns user names into processes: `all`; a group (`web`, `web:*`), which holds every program
 * whose `group` it is; a program by its name; a process (`web:web_03`, or `web_03` alone).
 * Unknown names fail the whole request.
 */
export function resolveNames(names: readonly string[], entries: readonly Entry[]): ManagedProcess[] {
  const found = new Set<ManagedProcess>();
  const unknown: string[] = [];
  for (const name of names) {
    const processes = name === 'all' ? entries.flatMap((entry) => entry.processes) : processesNamed(name, entries);
    if (processes.length === 0) unknown.push(name);
    for (const process of processes) found.add(process);
  }
  if (unknown.length > 0) {
    throw new TaskmasterError('E_NO_SUCH_PROCESS', `no such process: ${unknown.join(', ')}`, { names: unknown });
  }
  return [...found];
}
