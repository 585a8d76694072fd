import { resolve } from 'node:path';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { KeyParser } from './program-key.js';
import { joinShellWords, splitShellWords } from './shell-words.js';
import type { AutoRestart, OutputTarget } from './types.js';
import { bad, describe, ok, parseWholeNumber, scalarOf, type Parsed } from './yaml-values.js';

/** A parser that needs the node itself (its written text), reporting like a scalar parser. */
export const fromNode =
  <T>(parse: (node: Node, source: string) => Parsed<T>): KeyParser<T> =>
  (node, keyPath, { issues, source }) => {
    const parsed = parse(node, source);
    if (parsed.ok) return parsed.value;
    issues.add(node, keyPath, `${parsed.expected}, got ${describe(node, source)}`);
    return undefined;
  };

/** Reads the digits as written, so `022` is octal 022 whether YAML saw 22 or 18. */
function readOctal(node: Node, source: string): number | null {
  const [start, end] = node.range ?? [0, 0];
  const written = source.slice(start, end).trim().replace(/^["']|["']$/g, '');
  const match = /^(?:0o)?([0-7]{1,4})$/.exec(written);
  return match ? parseInt(match[1]!, 8) : null;
}

export function parseUmask(node: Node, source: string): Parsed<number> {
  const umask = readOctal(node, source);
  return umask === null ? bad('expected an octal umask such as 022 or 077') : ok(umask);
}

/** Permission bits of a log file: the owner (taskmaster) must be able to write it. */
export function parseFileMode(node: Node, source: string): Parsed<number> {
  const mode = readOctal(node, source);
  if (mode === null || mode > 0o777 || (mode & 0o200) === 0) return bad('expected an octal file mode that lets its owner write, such as 0600 or 0640');
  return ok(mode);
}

export function parseAutorestart(value: unknown): Parsed<AutoRestart> {
  if (value === true) return ok('always');
  if (value === false) return ok('never');
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'always' || lower === 'true') return ok('always');
    if (lower === 'never' || lower === 'false') return ok('never');
    if (lower === 'unexpected') return ok('unexpected');
  }
  return bad('expected always, never, unexpected, true or false');
}

export function parseExitCodes(node: Node): Parsed<number[]> {
  const items = isSeq(node) ? node.items : [node];
  const codes: number[] = [];
  for (const item of items) {
    const value = scalarOf(item as Node);
    const codeList = typeof value === 'string' ? value.split(',') : [value];
    for (const code of codeList) {
      const parsed = parseWholeNumber(code, 0);
      if (!parsed.ok || parsed.value > 255) return bad('expected an exit code 0-255 or a list of them');
      codes.push(parsed.value);
    }
  }
  return ok(codes);
}

export function parseOutput(value: unknown, baseDir: string): Parsed<OutputTarget> {
  if (value === null || value === false) return ok({ kind: 'discard' });
  if (typeof value !== 'string' || value.trim() === '') {
    return bad('expected a file path, discard, auto or inherit');
  }
  const lower = value.toLowerCase();
  if (lower === 'discard' || lower === 'none' || lower === '/dev/null') return ok({ kind: 'discard' });
  if (lower === 'auto') return ok({ kind: 'auto' });
  if (lower === 'inherit') return ok({ kind: 'inherit' });
  return ok({ kind: 'file', path: resolve(baseDir, value) });
}

/**
 * The command line, checked to split into words (argv is split from it when the program is
 * built); an argv list (`[sh, -c, "..."]`, as compose and Kubernetes write it) becomes the
 * command line that splits back into exactly those words.
 */
export const parseCmd: KeyParser<string> = (node, keyPath, { issues, source }) => {
  if (isSeq(node)) {
    const argv: string[] = [];
    node.items.forEach((item, index) => {
      const word = isScalar(item) ? item.value : undefined;
      if (typeof word === 'string' || typeof word === 'number') argv.push(String(word));
      else issues.add(item as Node, `${keyPath}[${index}]`, `expected a word (a string), got ${describe(item as Node, source)}`);
    });
    if (node.items.length === 0) issues.add(node, keyPath, 'expected a command, got an empty list');
    if (argv.length !== node.items.length || argv.length === 0) return undefined;
    if (argv[0] === '') issues.add(node.items[0] as Node, `${keyPath}[0]`, 'expected a program to run, got an empty string');
    return joinShellWords(argv);
  }
  const cmd = scalarOf(node);
  if (typeof cmd !== 'string' || cmd.trim() === '') {
    issues.add(node, keyPath, `expected a command line or a list of words, got ${describe(node, source)}`);
    return undefined;
  }
  try {
    if (splitShellWords(cmd).length === 0) issues.add(node, keyPath, 'expected a command line, got an empty one');
  } catch (error) {
    issues.add(node, keyPath, (error as Error).message);
  }
  return cmd;
};

export const parseEnv: KeyParser<Record<string, string>> = (node, keyPath, { issues, source }) => {
  const env: Record<string, string> = {};
  const value = scalarOf(node);
  // supervisord writes environment as KEY="value",KEY2=value2.
  if (typeof value === 'string') {
    for (const part of value.split(',').filter((item) => item.trim() !== '')) {
      const equals = part.indexOf('=');
      if (equals <= 0) {
        issues.add(node, keyPath, `expected KEY=value pairs, got ${part.trim()}`);
        continue;
      }
      env[part.slice(0, equals).trim()] = part.slice(equals + 1).trim().replace(/^"(.*)"$/, '$1');
    }
    return env;
  }
  if (!isMap(node)) {
    issues.add(node, keyPath, `expected a mapping of variable names to values, got ${describe(node, source)}`);
    return env;
  }
  for (const pair of node.items) {
    const name = String(scalarOf(pair.key as Node));
    const item = pair.value as Node | null;
    const itemValue = scalarOf(item);
    if (item === null || (isScalar(item) && itemValue === null)) {
      env[name] = '';
    } else if (isScalar(item)) {
      env[name] = String(itemValue);
    } else {
      issues.add(item, `${keyPath}.${name}`, `expected a single value, got ${describe(item, source)}`);
    }
  }
  return env;
};
