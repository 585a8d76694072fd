import { Cron } from 'croner';
import { isMap, type Node } from 'yaml';
import { checkDependencies } from './check-dependencies.js';
import { checkGroups } from './check-groups.js';
import { checkSockets } from './check-sockets.js';
import { checkTotals } from './check-totals.js';
import type { ProgramEntry } from './normalise-program.js';
import { refinesSchedule } from './program-key.js';
import { programKeys } from './program-keys.js';
import type { ProgramConfig } from './types.js';
import { describe, scalarOf, type IssueList } from './yaml-values.js';

// Letters of any script: supervisord runs `[program:test_öäü]` (its issue 664).
const programNamePattern = /^[\p{L}\p{N}_.-]+$/u;
const scheduleOnlyKeys = programKeys.filter(refinesSchedule).map((row) => row.key);

function validateSchedule(entry: ProgramEntry, program: ProgramConfig, issues: IssueList): void {
  const { schedule } = program;
  if (schedule === null) {
    for (const key of scheduleOnlyKeys) {
      const field = entry.fields.get(key);
      if (field) issues.add(field.node, field.keyPath, 'only applies to a program with a schedule');
    }
    return;
  }
  try {
    new Cron(schedule.expression, { ...(schedule.timezone ? { timezone: schedule.timezone } : {}), paused: true }).nextRun();
  } catch (error) {
    const message = (error as Error).message;
    const field = entry.fields.get(schedule.timezone !== null && /time ?zone/i.test(message) ? 'timezone' : 'schedule')!;
    issues.add(field.node, field.keyPath, `Cannot parse cron schedule: ${message}`);
  }
}

function validateProgram(entry: ProgramEntry, issues: IssueList, source: string): void {
  const programPath = `programs.${entry.name}`;
  if (!programNamePattern.test(entry.name)) issues.add(entry.nameNode, programPath, 'program names may only use letters, digits, _, . and -');
  if (!entry.program) {
    issues.add(entry.node, programPath, `expected a mapping of program settings, got ${describe(entry.node, source)}`);
    return;
  }
  if (!entry.fields.has('cmd')) issues.add(entry.nameNode, programPath, 'cmd is required (the command to run)');
  validateSchedule(entry, entry.program, issues);
  // Merged stderr would break the protocol on the listener's stdout, as supervisord says too.
  if (entry.program.listener !== null && entry.program.redirectStderr) {
    const field = entry.fields.get('redirect_stderr')!;
    issues.add(field.node, field.keyPath, 'cannot be true for a listener: its stdout carries the event listener protocol');
  }
  // A pseudo-terminal's spawn passes no descriptors beyond the terminal, and a listener's protocol needs pipes.
  for (const [key, clash] of [['sockets', entry.program.sockets.length > 0], ['listener', entry.program.listener !== null]] as const) {
    if (entry.program.tty && clash) issues.add(entry.fields.get(key)!.node, entry.fields.get(key)!.keyPath, 'cannot be used with tty: true (a pseudo-terminal carries no other descriptors, and its output is not a pipe)');
  }
  const pidFile = entry.fields.get('pidfile');
  if (pidFile && entry.program.numprocs > 1 && !/\{(name|process_num)\}/.test(entry.program.pidFile ?? '')) {
    issues.add(pidFile.node, pidFile.keyPath, 'with numprocs > 1, each process needs its own file: put {process_num} or {name} in the path');
  }
}

/** The validate stage: what one value alone cannot tell, within a program and across them. */
export function validatePrograms(entries: readonly ProgramEntry[], programsNode: Node | undefined, issues: IssueList, source: string): ReadonlyMap<string, ProgramConfig> {
  for (const entry of entries) validateProgram(entry, issues, source);
  const programs = new Map<string, ProgramConfig>();
  const byName = new Map<string, ProgramEntry>();
  for (const entry of entries) {
    byName.set(entry.name, entry);
    if (entry.program) programs.set(entry.name, entry.program);
  }
  checkSockets(entries, issues);
  checkGroups(entries, issues);
  for (const problem of checkTotals(programs)) issues.add(programsNode, 'programs', problem);
  for (const problem of checkDependencies(programs)) {
    const entry = byName.get(problem.program);
    const dependsPair = isMap(entry?.node) ? entry.node.items.find((pair) => String(scalarOf(pair.key as Node)) === 'depends_on') : undefined;
    issues.add((dependsPair?.key as Node | undefined) ?? entry?.nameNode, `programs.${problem.program}.depends_on`, problem.message);
  }
  return programs;
}
