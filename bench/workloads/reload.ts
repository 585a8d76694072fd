import { performance } from 'node:perf_hooks';
import type { ProgramSpec, Session } from '../tools/session.js';

export interface ReloadOutcome {
  /** From writing the new config to the changed program running its new command, in ms. */
  readonly appliedMs: number;
  /** How many processes got a new pid; 1 is the right answer. */
  readonly restarted: number;
  readonly changedRestarted: boolean;
}

/** Changes one program's command out of many, applies the config, and compares every pid before and after. */
export async function measureReload(session: Session, programs: readonly ProgramSpec[]): Promise<ReloadOutcome | null> {
  if (session.reload === null) return null;
  const changed = programs[Math.floor(programs.length / 2)]!;
  const next = programs.map((program) => (program === changed ? { ...program, argv: [...program.argv.slice(0, -1), '1001'] } : program));
  const before = new Map((await session.rows()).map((row) => [row.name, row.pid]));
  const startedAt = performance.now();
  await session.reload(next);
  let appliedMs = 0;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const row = (await session.rows()).find((candidate) => candidate.name === changed.name);
    if (row?.running && row.pid !== before.get(changed.name)) {
      appliedMs = performance.now() - startedAt;
      break;
    }
    if (Date.now() > deadline) throw new Error(`${session.tool}: ${changed.name} never restarted after the reload`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const after = await session.rows();
  const restarted = after.filter((row) => before.get(row.name) !== row.pid).length;
  const changedRestarted = after.some((row) => row.name === changed.name && row.pid !== before.get(changed.name));
  return { appliedMs, restarted, changedRestarted };
}
