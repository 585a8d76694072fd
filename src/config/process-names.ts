import type { ProgramConfig } from './types.js';

/** A process's name within its group: the program's, or `web_00` ... when it runs several. */
export function processNameFor(program: ProgramConfig, index: number): string {
  return program.numprocs > 1 ? `${program.name}_${String(index).padStart(2, '0')}` : program.name;
}

/** `group:process`, or the bare name when the group is the program's own and holds one process (supervisord's make_namespec). */
export function fullNameFor(program: ProgramConfig, index: number): string {
  const processName = processNameFor(program, index);
  return program.group === processName ? processName : `${program.group}:${processName}`;
}

/** Every full name a program's processes take. */
export function fullNamesOf(program: ProgramConfig): string[] {
  return Array.from({ length: program.numprocs }, (_, index) => fullNameFor(program, index));
}
