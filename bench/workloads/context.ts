import type { Sizes } from '../options.js';
import type { Cleanup } from '../lib/cleanup.js';
import type { ResultTable } from '../report/results.js';
import type { Tool, ToolName } from '../tools/session.js';

export interface BenchContext {
  readonly cleanup: Cleanup;
  readonly sizes: Sizes;
  /** The tools that installed and answered, in a fixed order; workloads rotate it. */
  readonly tools: readonly Tool[];
  /** Tools that could not be prepared, with the reason, so their cells say so. */
  readonly unavailable: ReadonlyMap<ToolName, string>;
  readonly results: ResultTable;
  progress(message: string): void;
}

/** The tool order for round `round`, rotated so that no tool is always first or last. */
export function rotate<T>(items: readonly T[], round: number): T[] {
  if (items.length === 0) return [];
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

export function describeError(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  return message.split('\n')[0]!.slice(0, 160);
}

/** Closes what a workload opened, in order, reporting (not throwing) a close that fails. */
export async function closeEach(context: BenchContext, closers: readonly { close(): Promise<void> }[]): Promise<void> {
  for (const closer of closers) {
    try {
      await closer.close();
    } catch (error) {
      context.progress(`warning: close failed: ${describeError(error)}`);
    }
  }
}
