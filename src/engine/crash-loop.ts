import type { CrashLoopConfig } from '../config/types.js';

/** What to do after a run that will be restarted: at once, after a delay, or not at all (FATAL). */
export type RestartDecision =
  | { readonly kind: 'now'; readonly quickExits: number }
  | { readonly kind: 'later'; readonly quickExits: number; readonly delayMs: number }
  | { readonly kind: 'give_up'; readonly quickExits: number };

/** Keeps 2 ** exponent finite whatever the count; the cap applies long before. */
const maxDoublings = 30;

/**
 * Crash-loop backoff: a run shorter than `quickExitMs` is a quick exit; the first `burst`
 * quick exits in a row restart at once, later ones wait `delayMs`, doubling up to `maxDelayMs`.
 * `limit` quick exits in a row give up. A run that lasted long enough starts the count afresh.
 */
export function decideRestart(quickExitsBefore: number, runMs: number, config: CrashLoopConfig | null): RestartDecision {
  if (config === null || runMs >= config.quickExitMs) return { kind: 'now', quickExits: 0 };
  const quickExits = quickExitsBefore + 1;
  if (config.limit > 0 && quickExits >= config.limit) return { kind: 'give_up', quickExits };
  if (quickExits <= config.burst) return { kind: 'now', quickExits };
  const doublings = Math.min(quickExits - config.burst - 1, maxDoublings);
  return { kind: 'later', quickExits, delayMs: Math.min(config.maxDelayMs, config.delayMs * 2 ** doublings) };
}

/** Whole seconds for log lines and status, as supervisord writes its backoff delays. */
export function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Math.round(ms / 1000)}s`;
}
