import { performance } from 'node:perf_hooks';

/** How long one turn of the event loop may spend starting due jobs before exits, output and the API get theirs. */
export const startTurnBudgetMs = 10;

/**
 * Runs queued job starts in turns of at most `budgetMs`, each turn in its own setImmediate.
 * Every start is a synchronous fork+exec; a tick that starts 1000 jobs at once would otherwise
 * hold the event loop for the whole tick, and every exit, pipe and status request would wait.
 */
export class StartQueue {
  private pending: (() => void)[] = [];
  private next = 0;
  private scheduled = false;

  constructor(private readonly budgetMs = startTurnBudgetMs) {}

  push(start: () => void): void {
    this.pending.push(start);
    this.schedule();
  }

  get length(): number {
    return this.pending.length - this.next;
  }

  private schedule(): void {
    if (this.scheduled || this.length === 0) return;
    this.scheduled = true;
    setImmediate(this.drain);
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    const deadline = performance.now() + this.budgetMs;
    try {
      // At least one start per turn, however slow, so the queue always moves.
      do this.pending[this.next++]!();
      while (this.length > 0 && performance.now() < deadline);
    } finally {
      if (this.length === 0) {
        this.pending = [];
        this.next = 0;
      }
      this.schedule();
    }
  };
}
