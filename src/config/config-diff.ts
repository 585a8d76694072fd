import { isDeepStrictEqual } from 'node:util';
import { refinesSchedule, valueAt, type ProgramKey } from './program-key.js';
import { programKeys } from './program-keys.js';
import type { ProgramConfig, SupervisorConfig } from './types.js';

export interface ProgramChange {
  readonly name: string;
  /** True when how the processes are spawned changed, so running ones must restart. */
  readonly respawn: boolean;
  /** The changed keys as the README names them (`starttime`, not the field `startTimeMs`), in table order. */
  readonly changedKeys: readonly string[];
  readonly numprocsBefore: number;
  readonly numprocsAfter: number;
}

/** The same diff by group, as supervisorctl update acts on it: a group changes when a member comes, goes or must respawn. */
export interface GroupChanges {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
}

export interface ConfigDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly ProgramChange[];
  readonly unchanged: readonly string[];
  readonly groups: GroupChanges;
}

function groupChanges(before: SupervisorConfig, after: SupervisorConfig, touched: readonly string[]): GroupChanges {
  const groupsOf = (config: SupervisorConfig): Set<string> => new Set([...config.programs.values()].map((program) => program.group));
  const old = groupsOf(before);
  const next = groupsOf(after);
  const changed = new Set<string>();
  for (const name of touched) {
    for (const program of [before.programs.get(name), after.programs.get(name)]) {
      if (program && old.has(program.group) && next.has(program.group)) changed.add(program.group);
    }
  }
  return { added: [...next].filter((group) => !old.has(group)), changed: [...changed], removed: [...old].filter((group) => !next.has(group)) };
}

function keyChanged(row: ProgramKey, before: ProgramConfig, after: ProgramConfig): boolean {
  // A schedule that comes or goes is reported once, as `schedule`, not as each of its keys.
  if (refinesSchedule(row) && (before.schedule === null || after.schedule === null)) return false;
  if (!isDeepStrictEqual(valueAt(before, row.field), valueAt(after, row.field))) return true;
  return row.derived.some((field) => !isDeepStrictEqual(before[field], after[field]));
}

function changedRows(before: ProgramConfig, after: ProgramConfig): ProgramKey[] {
  return programKeys.filter((row) => keyChanged(row, before, after));
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
    const rows = changedRows(previous, program);
    if (rows.length === 0) {
      unchanged.push(name);
      continue;
    }
    changed.push({
      name,
      respawn: rows.some((row) => row.reload === 'spawn'),
      changedKeys: rows.map((row) => row.key),
      numprocsBefore: previous.numprocs,
      numprocsAfter: program.numprocs,
    });
  }
  for (const name of before.programs.keys()) {
    if (!after.programs.has(name)) removed.push(name);
  }
  const touched = [...added, ...removed, ...changed.filter((change) => change.respawn).map((change) => change.name)];
  return { added, removed, changed, unchanged, groups: groupChanges(before, after, touched) };
}
