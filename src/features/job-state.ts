import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { replaceFileSync } from '../output/replace-file.js';

/** When each scheduled job last ticked, kept on disk so missed ticks can be caught up. */
export class JobState {
  private ticks: Record<string, number> = {};

  constructor(private readonly path: string) {
    try {
      const saved = JSON.parse(readFileSync(path, 'utf8')) as { lastTicks?: Record<string, number> };
      this.ticks = saved.lastTicks ?? {};
    } catch {
      this.ticks = {};
    }
  }

  lastTick(name: string): number | undefined {
    return this.ticks[name];
  }

  recordTick(name: string, atMs: number): void {
    this.ticks[name] = atMs;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      // Write then rename, so a crash never leaves half a file and a planted link is never followed.
      replaceFileSync(this.path, JSON.stringify({ lastTicks: this.ticks }));
    } catch {
      // Catch-up is best effort: a read-only folder must not stop the job.
    }
  }
}
