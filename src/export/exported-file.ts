/** One file an exporter produces: a name relative to the output folder, and its text. */
export interface ExportedFile {
  readonly name: string;
  readonly text: string;
}

/** The process names Taskmaster gives a program's processes: `web`, or `web_00` ... when numprocs > 1. */
export function processNamesOf(name: string, numprocs: number): string[] {
  if (numprocs <= 1) return [name];
  return Array.from({ length: numprocs }, (_, index) => `${name}_${String(index).padStart(2, '0')}`);
}

/** Whole seconds, rounded up, never below `minimum`: the unit other engines count in. */
export function ceilSeconds(ms: number, minimum = 0): number {
  return Math.max(minimum, Math.ceil(ms / 1000));
}
