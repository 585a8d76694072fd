import { Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { expand, type Expansions } from './ini-expand.js';
import { lookup, type IniDocument, type IniSection, type IniValue } from './ini-reader.js';
import type { IniIssueList, IniSources } from './ini-sources.js';
import type { IniParsed } from './ini-values.js';

/** Builds the YAML-shaped document: each node's text is generated, and located where its value was written. */
export class NodeMaker {
  constructor(private readonly sources: IniSources) {}

  scalar(value: string | number | boolean, blame: number): Scalar {
    const node = new Scalar(value);
    const [start, end] = this.sources.synthetic(String(value), blame);
    node.range = [start, end, end];
    return node;
  }

  /** A mapping; an entry may say where its key was written (a program's section header). */
  map(entries: readonly (readonly [string, Node] | readonly [string, Node, number])[], blame: number): YAMLMap {
    const node = new YAMLMap();
    for (const [key, value, keyBlame] of entries) node.items.push(new Pair(this.scalar(key, keyBlame ?? blame), value));
    const [start, end] = this.sources.synthetic('', blame);
    node.range = [start, end, end];
    return node;
  }

  seq(values: readonly (string | number)[], blame: number): YAMLSeq {
    const node = new YAMLSeq();
    for (const value of values) node.items.push(this.scalar(value, blame));
    const [start, end] = this.sources.synthetic('', blame);
    node.range = [start, end, end];
    return node;
  }
}

/** A value read from a section: its text after expansion, and where it was written. */
export interface ReadValue<T> {
  readonly value: T;
  readonly at: number;
}

/**
 * Reads the keys of one section: `[DEFAULT]` fills in what it lacks, every value is expanded,
 * and the keys it was asked for are remembered so the rest can be reported as unknown.
 */
export class SectionReader {
  private readonly asked = new Set<string>();
  /** Quiet while reading a second process of the same section: its problems were reported once. */
  quiet = false;

  constructor(
    readonly document: IniDocument,
    readonly section: IniSection,
    private readonly issues: IniIssueList,
    private readonly warnings: IniIssueList,
  ) {}

  get offset(): number {
    return this.section.offset;
  }

  keyPath(key: string): string {
    return `[${this.section.name}] ${key}`;
  }

  raw(key: string): IniValue | undefined {
    this.asked.add(key);
    return lookup(this.document, this.section, key);
  }

  error(at: number, key: string, message: string): void {
    if (!this.quiet) this.issues.addAt(at, key === '' ? `[${this.section.name}]` : this.keyPath(key), message);
  }

  warn(at: number, key: string, message: string): void {
    if (!this.quiet) this.warnings.addAt(at, key === '' ? `[${this.section.name}]` : this.keyPath(key), message);
  }

  /** The value expanded with `names` (and `here`, the folder of the file it was written in). */
  text(key: string, names: Expansions): ReadValue<string> | undefined {
    const raw = this.raw(key);
    if (!raw) return undefined;
    const expanded = expand(raw.value, new Map([...names, ['here', raw.here]]));
    if (expanded.ok) return { value: expanded.value, at: raw.valueStart };
    this.error(raw.valueStart, key, expanded.message);
    return undefined;
  }

  typed<T>(key: string, names: Expansions, parse: (text: string) => IniParsed<T>): ReadValue<T> | undefined {
    const read = this.text(key, names);
    if (!read) return undefined;
    const parsed = parse(read.value);
    if (parsed.ok) return { value: parsed.value, at: read.at };
    this.error(read.at, key, `${parsed.expected}, got ${JSON.stringify(read.value)}`);
    return undefined;
  }

  /** Keys written in the section itself that nothing asked for: supervisord ignores them, we warn. */
  warnUnknown(): void {
    for (const value of this.section.values.values()) {
      if (!this.asked.has(value.key)) this.warnings.addAt(value.keyOffset, this.keyPath(value.key), 'unknown key, ignored (as supervisord ignores it)');
    }
  }
}
