import type { EventLog } from '../engine/event-log.js';
import type { ProgramEntry } from '../engine/process-table.js';
import type { StateFile } from '../output/state-file.js';

const section = 'stoppedByHand';

/**
 * The processes stopped by hand (`stop`), kept in the state file so that a restart of Taskmaster
 * leaves them stopped even when their program has autostart; a start or restart by hand clears one.
 */
export class StoppedByHand {
  private readonly names: Set<string>;

  constructor(private readonly state: StateFile) {
    const saved = state.get(section);
    this.names = new Set(Array.isArray(saved) ? saved.filter((name): name is string => typeof name === 'string') : []);
  }

  has(fullName: string): boolean {
    return this.names.has(fullName);
  }

  mark(fullNames: readonly string[]): void {
    this.change(() => fullNames.forEach((name) => this.names.add(name)));
  }

  clear(fullNames: readonly string[]): void {
    this.change(() => fullNames.forEach((name) => this.names.delete(name)));
  }

  /** Forgets the processes that the config no longer has. */
  keepOnly(fullNames: readonly string[]): void {
    const existing = new Set(fullNames);
    this.change(() => [...this.names].filter((name) => !existing.has(name)).forEach((name) => this.names.delete(name)));
  }

  /** The entries to autostart at Taskmaster's start, without what was stopped by hand (logged once each). */
  holdBack(entries: readonly ProgramEntry[], log: EventLog): ProgramEntry[] {
    this.keepOnly(entries.flatMap((entry) => entry.processes.map((process) => process.fullName)));
    return entries.map((entry) => {
      const held = entry.config.autostart ? entry.processes.filter((process) => this.has(process.fullName)) : [];
      for (const process of held) log.info(`${process.fullName} stays stopped: it was stopped by hand before taskmaster restarted (start it to undo)`);
      return held.length === 0 ? entry : { ...entry, processes: entry.processes.filter((process) => !held.includes(process)) };
    });
  }

  private change(apply: () => void): void {
    const before = this.names.size === 0 ? '' : [...this.names].sort().join('\n');
    apply();
    const after = this.names.size === 0 ? '' : [...this.names].sort().join('\n');
    if (before === after) return;
    this.state.set(section, this.names.size === 0 ? undefined : [...this.names].sort());
    // Written at once: a stop is rare, and a crash right after it must not undo it.
    this.state.flush();
  }
}
