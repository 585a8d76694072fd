import { TaskmasterError } from '../contracts/errors.js';
import { processInfoKeys, type ProcessInfo } from '../contracts/process-info.js';

const knownKeys: ReadonlySet<string> = new Set(processInfoKeys);

/** The keys that `fields=name,state` (repeatable) asks of each process; [] asks for all. */
export function statusFieldsFrom(values: readonly string[]): (keyof ProcessInfo)[] {
  const fields = values.flatMap((value) => value.split(',')).filter((field) => field !== '');
  const unknown = fields.filter((field) => !knownKeys.has(field));
  if (unknown.length > 0) throw new TaskmasterError('E_BAD_REQUEST', `unknown status field: ${unknown.join(', ')} (the fields are ${processInfoKeys.join(', ')})`);
  return fields as (keyof ProcessInfo)[];
}

/** Each process with only the keys asked for (every key when none is); an absent optional key stays absent. */
export function pickStatusFields(processes: readonly ProcessInfo[], fields: readonly (keyof ProcessInfo)[]): readonly Partial<ProcessInfo>[] {
  if (fields.length === 0) return processes;
  return processes.map((process) => {
    const picked: Record<string, unknown> = {};
    for (const field of fields) if (process[field] !== undefined) picked[field] = process[field];
    return picked;
  });
}
