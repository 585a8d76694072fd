import { extname } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, stringify, type Document, type Pair, type YAMLMap } from 'yaml';

/** A program as `taskmasterctl add` writes it: the argv and the few keys it has options for. */
export interface ProgramEntrySpec {
  readonly name: string;
  readonly cmd: readonly string[];
  readonly numprocs?: number;
  readonly autorestart?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly workingdir?: string;
}

/** A change that cannot be written to this file; nothing was changed. */
export class ConfigEditError extends Error {
  constructor(
    message: string,
    readonly reason: 'not-writable' | 'exists' | 'missing',
  ) {
    super(message);
    this.name = 'ConfigEditError';
  }
}

type FileKind = 'yaml' | 'json';

/** Which files a program may be written back to: YAML keeps its comments; JSON has none to keep. */
function kindOf(file: string): FileKind {
  const extension = extname(file).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.conf' || extension === '.ini') {
    throw new ConfigEditError(`${file} is an INI config, which taskmaster does not rewrite: add or remove the [program:NAME] section by hand, then run taskmasterctl update`, 'not-writable');
  }
  return 'yaml';
}

function entryOf(spec: ProgramEntrySpec): Record<string, unknown> {
  const entry: Record<string, unknown> = { cmd: [...spec.cmd] };
  if (spec.numprocs !== undefined) entry['numprocs'] = spec.numprocs;
  if (spec.autorestart !== undefined) entry['autorestart'] = spec.autorestart;
  if (spec.env !== undefined && Object.keys(spec.env).length > 0) entry['env'] = { ...spec.env };
  if (spec.workingdir !== undefined) entry['workingdir'] = spec.workingdir;
  return entry;
}

function openYaml(text: string, file: string): Document {
  const document = parseDocument(text, { uniqueKeys: false });
  if (document.errors.length > 0 || (document.contents !== null && !isMap(document.contents))) {
    throw new ConfigEditError(`${file} does not parse as a YAML mapping now: fix it first (taskmaster --check -c ${file})`, 'not-writable');
  }
  return document;
}

function programsOf(document: Document): unknown {
  return document.get('programs', true);
}

/** The start of the line that holds `index`. */
function lineStart(text: string, index: number): number {
  return text.lastIndexOf('\n', index - 1) + 1;
}

/** Just past the newline that ends the line holding `index` (the end of the text if none). */
function nextLineStart(text: string, index: number): number {
  const newline = text.indexOf('\n', index);
  return newline === -1 ? text.length : newline + 1;
}

/** A block mapping with at least one entry: its entries can be spliced in and out as lines, so nothing else moves. */
function blockEntries(programs: unknown): YAMLMap<unknown, unknown> | null {
  if (!isMap(programs) || programs.flow || programs.items.length === 0) return null;
  return programs.items.every((pair) => isScalar(pair.key) && pair.key.range && (pair.value as { range?: unknown } | null)?.range) ? programs : null;
}

function endOfPair(pair: Pair<unknown, unknown>): number {
  const value = pair.value as { range: [number, number, number] };
  return value.range[1];
}

/** Whether the new text has the program, or has it no more: a splice is only kept when it reads back as meant. */
function hasProgram(text: string, name: string): boolean {
  const programs = parseDocument(text, { uniqueKeys: false }).get('programs', true);
  return isMap(programs) && programs.has(name);
}

function spliceAdd(text: string, programs: YAMLMap<unknown, unknown>, name: string, entry: Record<string, unknown>): string {
  const first = programs.items[0]!.key as { range: [number, number, number] };
  const indent = first.range[0] - lineStart(text, first.range[0]);
  const block = stringify({ [name]: entry }, { lineWidth: 0, collectionStyle: 'block', flowCollectionPadding: false })
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => `${' '.repeat(indent)}${line}\n`)
    .join('');
  const at = nextLineStart(text, endOfPair(programs.items[programs.items.length - 1]!) - 1);
  const before = text.slice(0, at);
  return `${before}${before.endsWith('\n') || before === '' ? '' : '\n'}${block}${text.slice(at)}`;
}

/** The config text with one program added; the rest of a YAML file (comments, order, quoting, spacing) is kept as it was. */
export function addProgramToText(text: string, file: string, spec: ProgramEntrySpec): string {
  const entry = entryOf(spec);
  if (kindOf(file) === 'json') {
    const root = JSON.parse(text) as { programs?: Record<string, unknown> };
    if (root.programs?.[spec.name] !== undefined) throw new ConfigEditError(`${spec.name} is already a program in ${file}`, 'exists');
    root.programs = { ...root.programs, [spec.name]: entry };
    return `${JSON.stringify(root, null, 2)}\n`;
  }
  const document = openYaml(text, file);
  const programs = programsOf(document);
  if (isMap(programs) && programs.has(spec.name)) throw new ConfigEditError(`${spec.name} is already a program in ${file}`, 'exists');
  const block = blockEntries(programs);
  if (block) {
    const spliced = spliceAdd(text, block, spec.name, entry);
    if (hasProgram(spliced, spec.name)) return spliced;
  }
  // A flow mapping, or no programs yet: the library writes the document again, comments kept.
  const node = document.createNode(entry);
  if (isMap(programs)) programs.set(document.createNode(spec.name), node);
  else document.set('programs', document.createNode({ [spec.name]: node }));
  return document.toString({ lineWidth: 0 });
}

function spliceRemove(text: string, programs: YAMLMap<unknown, unknown>, name: string): string | null {
  const pair = programs.items.find((item) => isScalar(item.key) && item.key.value === name);
  if (!pair) return null;
  const keyStart = (pair.key as { range: [number, number, number] }).range[0];
  let start = lineStart(text, keyStart);
  const indent = text.slice(start, keyStart);
  if (indent.trim() !== '') return null;
  // The comment lines right above the entry describe it: they go with it.
  while (start > 0) {
    const above = lineStart(text, start - 1);
    if (!text.slice(above, start).startsWith(`${indent}#`)) break;
    start = above;
  }
  const end = nextLineStart(text, endOfPair(pair) - 1);
  return text.slice(0, start) + text.slice(end);
}

/** The config text without one program; the rest is kept as it was. */
export function removeProgramFromText(text: string, file: string, name: string): string {
  if (kindOf(file) === 'json') {
    const root = JSON.parse(text) as { programs?: Record<string, unknown> };
    if (root.programs?.[name] === undefined) throw new ConfigEditError(`${name} is not a program in ${file}`, 'missing');
    delete root.programs[name];
    return `${JSON.stringify(root, null, 2)}\n`;
  }
  const document = openYaml(text, file);
  const programs = programsOf(document);
  if (!isMap(programs) || !programs.has(name)) throw new ConfigEditError(`${name} is not a program in ${file}`, 'missing');
  const block = blockEntries(programs);
  const spliced = block && programs.items.length > 1 ? spliceRemove(text, block, name) : null;
  if (spliced !== null && !hasProgram(spliced, name) && (parseDocument(spliced).get('programs', true) as YAMLMap | undefined)?.items.length === programs.items.length - 1) return spliced;
  programs.delete(name);
  return document.toString({ lineWidth: 0 });
}
