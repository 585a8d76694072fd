import { isDeepStrictEqual } from 'node:util';
import { spawnKeys, supervisionKeys, type ProgramConfig, type SupervisorConfig } from './types.js';

export interface ProgramChange {
  readonly name: string;
  /** True when how the processes are spawned changed, so running ones must restart. */
  readonly respawn: boolean;
  readonly changedKeys: readonly string[];
  readonly numprocsBefore: number;
  readonly numprocsAfter: number;
}

export interface ConfigDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly ProgramChange[];
  readonly unchanged: readonly string[];
}

function changedKeysOf(before: ProgramConfig, after: ProgramConfig): string[] {
  const keys = [...spawnKeys, ...supervisionKeys, 'numprocs' as const];
  return keys.filter((key) => !isDeepStrictEqual(before[key], after[key]));
}

/** Compares two frozen configs program by program; pure, so reload decisions are testable alone. */
export function diffConfigs(before: SupervisorConfig, after: SupervisorConfig): ConfigDiff {
  const added: string[] = [];
  const removed: string[] = [];
  const changed: ProgramChange[] = [];
  const unchanged: string[] = [];
  for (const [name, program] of after.programs) {
    const previous = before.programs.get(name);
    if (!previous) {
      added.push(name);
      continue;
    }
    const changedKeys = changedKeysOf(previous, program);
    if (changedKeys.length === 0) {
      unchanged.push(name);
      continue;
    }
    changed.push({
      name,
      respawn: changedKeys.some((key) => (spawnKeys as readonly string[]).includes(key)),
      changedKeys,
      numprocsBefore: previous.numprocs,
      numprocsAfter: program.numprocs,
    });
  }
  for (const name of before.programs.keys()) {
    if (!after.programs.has(name)) removed.push(name);
  }
  return { added, removed, changed, unchanged };
}
