import type { ManagedProcess } from './managed-process.js';

/**
 * Stops processes tier by tier: highest priority number first and, within a priority,
 * dependents (deeper) before what they depend on. A tier stops in parallel.
 */
export async function stopInTiers<Result>(processes: readonly ManagedProcess[], depthOf: (programName: string) => number, stopOne: (process: ManagedProcess) => Promise<Result>): Promise<Result[]> {
  const tiers = new Map<string, { priority: number; depth: number; processes: ManagedProcess[] }>();
  for (const process of processes) {
    const depth = depthOf(process.program.name);
    const key = `${process.program.priority}/${depth}`;
    const tier = tiers.get(key) ?? { priority: process.program.priority, depth, processes: [] };
    tier.processes.push(process);
    tiers.set(key, tier);
  }
  const ordered = [...tiers.values()].sort((a, b) => b.priority - a.priority || b.depth - a.depth);
  const results: Result[] = [];
  for (const tier of ordered) {
    results.push(...(await Promise.all(tier.processes.map((process) => stopOne(process)))));
  }
  return results;
}
