import { isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import { formatByteSize, parseByteSize } from './byte-size.js';
import type { ConfigIssue } from './config-error.js';
import { formatDurationMs, parseDurationMs } from './duration.js';
import { configLimits } from './limits.js';

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

/** A key's YAML node and where it sits, for messages. */
export interface Field {
  readonly node: Node;
  readonly keyPath: string;
}

/** Parses a field's scalar; a problem is reported as `expected ..., got ...` and gives undefined. */
export function readScalar<T>(field: Field, parse: (value: unknown) => Parsed<T>, issues: IssueList, source: string): T | undefined {
  const parsed = parse(scalarOf(field.node));
  if (parsed.ok) return parsed.value;
  issues.add(field.node, field.keyPath, `${parsed.expected}, got ${describe(field.node, source)}`);
  return undefined;
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

export const oneOf = <T extends string>(choices: readonly T[]) => (value: unknown): Parsed<T> =>
  choices.includes(value as T) ? ok(value as T) : bad(`expected ${choices.join(', ')}`);

export const nonEmptyText = (value: unknown): Parsed<string> => (typeof value === 'string' && value.trim() !== '' ? ok(value) : bad('expected a non-empty string'));

export function parseBoolean(value: unknown): Parsed<boolean> {
  if (typeof value === 'boolean') return ok(value);
  if (typeof value === 'string' && /^(true|yes|on)$/i.test(value)) return ok(true);
  if (typeof value === 'string' && /^(false|no|off)$/i.test(value)) return ok(false);
  return bad('expected true or false');
}

export function parseWholeNumber(value: unknown, minimum: number, maximum = Number.MAX_SAFE_INTEGER): Parsed<number> {
  const number = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number === 'number' && Number.isSafeInteger(number) && number >= minimum && number <= maximum) return ok(number);
  return bad(maximum === Number.MAX_SAFE_INTEGER ? `expected a whole number >= ${minimum}` : `expected a whole number from ${minimum} to ${maximum}`);
}

/** A duration within what a timer can hold (configLimits.maxDurationMs), and at least `minimumMs`. */
export function parseDuration(value: unknown, minimumMs = 0): Parsed<number> {
  const ms = parseDurationMs(value);
  const { maxDurationMs } = configLimits;
  if (ms === undefined) return bad('expected a duration such as 10, 500ms, 10s or 5m');
  if (ms > maxDurationMs) return bad(`expected a duration of at most ${formatDurationMs(maxDurationMs)} (24 days)`);
  if (ms < minimumMs) return bad(`expected a duration of at least ${formatDurationMs(minimumMs)}`);
  return ok(ms);
}

export function parseSize(value: unknown): Parsed<number> {
  const bytes = parseByteSize(value);
  if (bytes === undefined) return bad('expected a size such as 1048576, 512KB or 50MB');
  if (bytes > configLimits.maxFileBytes) return bad(`expected a size of at most ${formatByteSize(configLimits.maxFileBytes)}`);
  return ok(bytes);
}

