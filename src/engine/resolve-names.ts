import type { ProgramConfig } from '../config/types.js';
import { TaskmasterError } from '../contracts/errors.js';
import type { ManagedProcess } from './managed-process.js';

interface Entry {
  readonly config: ProgramConfig;
  readonly processes: readonly ManagedProcess[];
}

/**
 * Turns user names into processes: `all`, a group (`web`, `web:*`), a process
 * (`web:web_03`, or `web_03` alone). Unknown names fail the whole request.
 */
export function resolveNames(names: readonly string[], entries: readonly Entry[]): ManagedProcess[] {
  const found = new Set<ManagedProcess>();
  const unknown: string[] = [];
  for (const name of names) {
    if (name === 'all') {
      for (const entry of entries) for (const process of entry.processes) found.add(process);
      continue;
    }
    const [groupName, processName] = name.includes(':') ? name.split(':', 2) : [name, undefined];
    const group = entries.find((entry) => entry.config.name === groupName);
    if (group && (processName === undefined || processName === '*' || processName === '')) {
      for (const process of group.processes) found.add(process);
      continue;
    }
    const candidates = group ? group.processes : entries.flatMap((entry) => entry.processes);
    const wanted = processName ?? name;
    const matches = candidates.filter((process) => process.processName === wanted);
    if (matches.length > 1) {
      throw new TaskmasterError('E_NO_SUCH_PROCESS', `${name} is ambiguous: ${matches.map((process) => process.fullName).join(', ')}`, { names: [name] });
    }
    if (matches[0]) found.add(matches[0]);
    else unknown.push(name);
  }
  if (unknown.length > 0) {
    throw new TaskmasterError('E_NO_SUCH_PROCESS', `no such process: ${unknown.join(', ')}`, { names: unknown });
  }
  return [...found];
}
