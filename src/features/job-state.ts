import type { StateFile } from '../output/state-file.js';

const section = 'lastTicks';

/** When each scheduled job last ticked, kept in the state file so missed ticks can be caught up. */
export class JobState {
  private readonly ticks: Record<string, number>;

  constructor(private readonly state: StateFile) {
    const saved = state.get(section);
    this.ticks = saved && typeof saved === 'object' ? { ...(saved as Record<string, number>) } : {};
  }

  lastTick(name: string): number | undefined {
    return this.ticks[name];
  }

  recordTick(name: string, atMs: number): void {
    this.ticks[name] = atMs;
    this.state.set(section, this.ticks);
  }
}
