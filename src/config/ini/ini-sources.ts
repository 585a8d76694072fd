import { LineCounter, type Node } from 'yaml';
import type { ConfigIssue } from '../config-error.js';
import { IssueList } from '../yaml-values.js';

interface Segment {
  readonly file: string;
  readonly start: number;
  readonly lineStarts: readonly number[];
  /** A generated value's text is located where the value it came from was written. */
  readonly blame?: number;
}

/** Offsets before every file, for what the command line sets. */
export const commandLineOffset = -1;

/**
 * The files of one INI config (the main file and its includes) as one text, so every node
 * of the YAML-shaped document can point at where it was written, in whichever file.
 */
export class IniSources {
  private combined = '';
  private readonly segments: Segment[] = [];
  /** Where each INI key was written, as `[section] key`: what a problem found by the shared stages names. */
  private readonly labels: { readonly start: number; readonly end: number; readonly label: string }[] = [];

  get text(): string {
    return this.combined;
  }

  /** Appends a file's text; returns the offset its first character has in the combined text. */
  add(file: string, text: string): number {
    const start = this.combined.length;
    const lineStarts = [0];
    for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) lineStarts.push(index + 1);
    this.segments.push({ file, start, lineStarts });
    this.combined += `${text}\n`;
    return start;
  }

  /**
   * Appends the text of a generated value (expanded, typed or a supervisord default), so the
   * shared stages can read its text; problems with it are located at `blame`.
   */
  synthetic(text: string, blame: number): [number, number] {
    const start = this.combined.length;
    this.segments.push({ file: '', start, lineStarts: [0], blame });
    this.combined += `${text}\n`;
    return [start, start + text.length];
  }

  /** Names the text from `start` to `end` (inclusive) for problems located in it. */
  label(start: number, end: number, label: string): void {
    this.labels.push({ start, end, label });
  }

  /** The INI name of what is written at an offset (a generated value's: where it came from), or null. */
  labelAt(offset: number): string | null {
    const at = this.written(offset);
    let best: { readonly start: number; readonly end: number; readonly label: string } | null = null;
    for (const entry of this.labels) {
      if (entry.start <= at && at <= entry.end && (best === null || entry.end - entry.start < best.end - best.start)) best = entry;
    }
    return best?.label ?? null;
  }

  /** The offset in a file that an offset stands for: a generated value's blame, else itself. */
  private written(offset: number): number {
    const segment = this.segmentAt(offset);
    return segment?.blame === undefined ? offset : this.written(segment.blame);
  }

  private segmentAt(offset: number): Segment | null {
    if (offset < 0 || this.segments.length === 0) return null;
    let segment = this.segments[0]!;
    for (let low = 0, high = this.segments.length - 1; low <= high; ) {
      const middle = (low + high) >> 1;
      if (this.segments[middle]!.start <= offset) {
        segment = this.segments[middle]!;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return segment;
  }

  position(offset: number): { file: string; line: number; column: number } {
    const segment = this.segmentAt(offset);
    if (segment === null) return { file: 'command line', line: 1, column: 1 };
    if (segment.blame !== undefined) return this.position(segment.blame);
    const local = offset - segment.start;
    let line = 0;
    for (let low = 0, high = segment.lineStarts.length - 1; low <= high; ) {
      const middle = (low + high) >> 1;
      if (segment.lineStarts[middle]! <= local) {
        line = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return { file: segment.file, line: line + 1, column: local - segment.lineStarts[line]! + 1 };
  }

  issueAt(offset: number, keyPath: string, message: string): ConfigIssue {
    return { ...this.position(offset), keyPath, message };
  }
}

/** The issue list of the shared stages, locating each node in the file it came from. */
export class IniIssueList extends IssueList {
  constructor(private readonly sources: IniSources) {
    super('', new LineCounter());
  }

  /** A problem the shared stages found: named by the INI key it was written under, not its YAML key path. */
  override add(node: Node | null | undefined, keyPath: string, message: string): void {
    const offset = node?.range?.[0] ?? commandLineOffset;
    this.issues.push(this.sources.issueAt(offset, this.sources.labelAt(offset) ?? keyPath, message));
  }

  addAt(offset: number, keyPath: string, message: string): void {
    this.issues.push(this.sources.issueAt(offset, keyPath, message));
  }

  override sorted(): ConfigIssue[] {
    return [...this.issues].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  }
}
