import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

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
      mkdirSync(dirname(this.path), { recursive: true });
      // Write then rename, so a crash never leaves half a file.
      writeFileSync(`${this.path}.tmp`, JSON.stringify({ lastTicks: this.ticks }));
      renameSync(`${this.path}.tmp`, this.path);
    } catch {
      // Catch-up is best effort: a read-only folder must not stop the job.
    }
  }
}
