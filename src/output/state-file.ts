import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { replaceFileSync } from './replace-file.js';

/** The largest state file written; a section that would pass it is refused, so the file never grows without bound. */
export const stateFileMaxBytes = 4 * 1024 * 1024;
const writeDelayMs = 200;

export type StateLog = (message: string) => void;

/**
 * What Taskmaster keeps across its own restarts (job ticks, run history, what was stopped by hand),
 * one JSON object with a section per owner. Writes are batched and atomic (write then rename);
 * a missing or unreadable file starts empty, and a folder that cannot be written only costs the memory.
 */
export class StateFile {
  private sections: Record<string, unknown> = {};
  private timer: NodeJS.Timeout | null = null;
  private failing = false;

  constructor(
    readonly path: string,
    private readonly log: StateLog = () => {},
  ) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return;
    }
    try {
      const saved = JSON.parse(text) as unknown;
      if (saved && typeof saved === 'object' && !Array.isArray(saved)) this.sections = saved as Record<string, unknown>;
    } catch {
      log(`state file ${path} is not valid JSON: starting with no saved state`);
    }
  }

  get(section: string): unknown {
    return this.sections[section];
  }

  /** Replaces one section; written to disk soon after, together with any other change. */
  set(section: string, value: unknown): void {
    if (value === undefined) delete this.sections[section];
    else this.sections[section] = value;
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), writeDelayMs);
    this.timer.unref();
  }

  /** Writes now; called at shutdown so nothing set is lost. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const text = JSON.stringify(this.sections);
    if (Buffer.byteLength(text) > stateFileMaxBytes) {
      this.log(`state file ${this.path} would pass ${stateFileMaxBytes} bytes: not written`);
      return;
    }
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      replaceFileSync(this.path, text);
      if (this.failing) this.log(`state file ${this.path} written again`);
      this.failing = false;
    } catch (error) {
      // Logged once per outage: a read-only folder must not flood the log.
      if (!this.failing) this.log(`cannot write state file ${this.path}: ${(error as Error).message}`);
      this.failing = true;
    }
  }
}
