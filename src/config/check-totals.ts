import { configLimits } from './limits.js';
import type { ProgramConfig } from './types.js';

/** Limits on the config as a whole: how many programs, how many processes in all. */
export function checkTotals(programs: ReadonlyMap<string, ProgramConfig>): string[] {
  const problems: string[] = [];
  if (programs.size > configLimits.maxPrograms) {
    problems.push(`expected at most ${configLimits.maxPrograms} programs, got ${programs.size}`);
  }
  let processes = 0;
  for (const program of programs.values()) processes += program.numprocs;
  if (processes > configLimits.maxTotalProcesses) {
    problems.push(`expected at most ${configLimits.maxTotalProcesses} processes in all (the sum of numprocs), got ${processes}`);
  }
  return problems;
}
