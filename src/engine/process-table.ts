import type { ProgramConfig } from '../config/types.js';
import type { ManagedProcess } from './managed-process.js';
import { resolveNames } from './resolve-names.js';

export interface ProgramEntry {
  config: ProgramConfig;
  processes: ManagedProcess[];
}

function byPriority(a: ProgramEntry, b: ProgramEntry): number {
  return a.config.priority - b.config.priority || a.config.name.localeCompare(b.config.name);
}

/** Every program and its processes, by name; the order of starts is by priority. */
export class ProcessTable {
  private readonly entries = new Map<string, ProgramEntry>();

  get(name: string): ProgramEntry | undefined {
    return this.entries.get(name);
  }

  set(entry: ProgramEntry): void {
    this.entries.set(entry.config.name, entry);
  }

  /** Removes the entry if it is still the one given (a reload may have replaced it). */
  delete(entry: ProgramEntry): void {
    if (this.entries.get(entry.config.name) === entry) this.entries.delete(entry.config.name);
  }

  processesOf(name: string): readonly ManagedProcess[] {
    return this.entries.get(name)?.processes ?? [];
  }

  ordered(): ProgramEntry[] {
    return [...this.entries.values()].sort(byPriority);
  }

  /** Every process, in start order. */
  processes(): ManagedProcess[] {
    return this.ordered().flatMap((entry) => entry.processes);
  }

  find(names: readonly string[]): ManagedProcess[] {
    return resolveNames(names, this.ordered());
  }

  /** How many levels of programs a program depends on; dependents stop before their dependencies. */
  dependencyDepth(name: string, seen = new Set<string>()): number {
    const program = this.entries.get(name)?.config;
    if (!program || seen.has(name)) return 0;
    seen.add(name);
    return program.dependsOn.reduce((depth, dependency) => Math.max(depth, 1 + this.dependencyDepth(dependency.name, seen)), 0);
  }
}
