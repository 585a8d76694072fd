import { isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import { parseByteSize } from './byte-size.js';
import type { ConfigIssue } from './config-error.js';
import { parseDurationMs } from './duration.js';

/** What one field parser returns: the value, or what was expected. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string };
export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const bad = (expected: string): Parsed<never> => ({ ok: false, expected });

export class IssueList {
  readonly issues: ConfigIssue[] = [];
  constructor(
    private readonly file: string,
    private readonly lineCounter: LineCounter,
  ) {}

  sorted(): ConfigIssue[] {
    return [...this.issues].sort((a, b) => a.line - b.line || a.column - b.column);
  }

  add(node: Node | null | undefined, keyPath: string, message: string): void {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lineCounter.linePos(offset);
    this.issues.push({ file: this.file, line, column: col, keyPath, message });
  }
}

export function describe(node: Node | null | undefined, source: string): string {
  if (!node) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  const [start, end] = node.range ?? [0, 0];
  return source.slice(start, end).trim() || 'an empty value';
}

export function scalarOf(node: Node | null | undefined): unknown {
  return isScalar(node) ? node.value : undefined;
}

export function parseBoolean(value: unknown): Parsed<boolean> {
  if (typeof value === 'boolean') return ok(value);
  if (typeof value === 'string' && /^(true|yes|on)$/i.test(value)) return ok(true);
  if (typeof value === 'string' && /^(false|no|off)$/i.test(value)) return ok(false);
  return bad('expected true or false');
}

export function parseWholeNumber(value: unknown, minimum: number): Parsed<number> {
  const number = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number === 'number' && Number.isInteger(number) && number >= minimum) return ok(number);
  return bad(`expected a whole number >= ${minimum}`);
}

export function parseDuration(value: unknown): Parsed<number> {
  const ms = parseDurationMs(value);
  return ms === undefined ? bad('expected a duration such as 10, 500ms, 10s or 5m') : ok(ms);
}

export function parseSize(value: unknown): Parsed<number> {
  const bytes = parseByteSize(value);
  return bytes === undefined ? bad('expected a size such as 1048576, 512KB or 50MB') : ok(bytes);
}

