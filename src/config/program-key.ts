import type { Node } from 'yaml';
import type { ProgramConfig, ScheduleConfig } from './types.js';
import { readScalar, type IssueList, type Parsed } from './yaml-values.js';

/** What a reload does when the key changes: restart the processes (spawn) or apply it in place. */
export type ReloadClass = 'spawn' | 'supervision';

export interface KeyContext {
  readonly issues: IssueList;
  readonly source: string;
  readonly baseDir: string;
}

/** Turns a key's YAML node into its value; undefined once it has reported a problem. */
export type KeyParser<T> = (node: Node, keyPath: string, context: KeyContext) => T | undefined;

/** Where a key's value lands: a ProgramConfig field, or a field of the schedule group. */
export type FieldPath = keyof ProgramConfig | `schedule.${keyof ScheduleConfig}`;

/** One program key: everything parsing, defaults, reload and the README need to know of it. */
export interface ProgramKey {
  readonly key: string;
  /** supervisord's names for it, so its users' habits work. */
  readonly aliases: readonly string[];
  readonly field: FieldPath;
  /** Fields computed from this key alone (argv from cmd): diffed and classed with it. */
  readonly derived: readonly (keyof ProgramConfig)[];
  readonly reload: ReloadClass;
  readonly default: unknown;
  /** The default of a program with a schedule, when it differs. */
  readonly scheduledDefault?: unknown;
  readonly parse: KeyParser<unknown>;
  /** One line for the README's key table. */
  readonly doc: string;
  /** The default as the README shows it. */
  readonly shownDefault: string;
}

export interface KeySpec<T> {
  readonly aliases?: readonly string[];
  readonly derived?: readonly (keyof ProgramConfig)[];
  readonly reload: ReloadClass;
  readonly default: T;
  readonly scheduledDefault?: T;
  readonly parse: KeyParser<T>;
  readonly doc: string;
  readonly shown: string;
}

function row(key: string, field: FieldPath, spec: KeySpec<unknown>): ProgramKey {
  const { shown, aliases = [], derived = [], ...rest } = spec;
  return { key, field, aliases, derived, shownDefault: shown, ...rest };
}

/** A key that fills one ProgramConfig field; the types tie its default and parser to that field. */
export function programKey<F extends keyof ProgramConfig>(key: string, field: F, spec: KeySpec<ProgramConfig[F]>): ProgramKey {
  return row(key, field, spec as KeySpec<unknown>);
}

/** A key of the schedule group, which exists only when `schedule` is set. */
export function scheduleKey<F extends keyof ScheduleConfig>(key: string, field: F, spec: KeySpec<ScheduleConfig[F]>): ProgramKey {
  return row(key, `schedule.${field}`, spec as KeySpec<unknown>);
}

/** A parser of a key whose value is one scalar. */
export const scalar =
  <T>(parse: (value: unknown) => Parsed<T>): KeyParser<T> =>
  (node, keyPath, context) =>
    readScalar({ node, keyPath }, parse, context.issues, context.source);

/** Reads a key's field out of a program; a schedule field of a program without one is undefined. */
export function valueAt(program: ProgramConfig, field: FieldPath): unknown {
  const [group, inner] = field.split('.') as [keyof ProgramConfig, keyof ScheduleConfig | undefined];
  if (inner === undefined) return program[group];
  return program.schedule?.[inner];
}

/** A key that refines the schedule (timezone, jitter ...): it means nothing without `schedule`. */
export const refinesSchedule = (row: ProgramKey): boolean => row.field.startsWith('schedule.') && row.key !== 'schedule';
