import { LineCounter, isMap, parseDocument, type Node, type YAMLMap } from 'yaml';
import { ConfigError } from './config-error.js';
import { findDuplicateKeys } from './unique-keys.js';
import { describe, IssueList } from './yaml-values.js';

export interface ParsedYaml {
  readonly root: YAMLMap;
  /** Problems are collected here by every later stage, each with its line and column. */
  readonly issues: IssueList;
}

/** The parse stage: YAML with positions; a syntax error or a root that is no mapping stops here. */
export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const issues = new IssueList(file, lineCounter);
  // The library's own unique-key check is quadratic; findDuplicateKeys does the same job in one pass.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  for (const error of document.errors) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    issues.issues.push({ file, line, column: col, keyPath: '', message: error.message.split('\n')[0] ?? error.message });
  }
  if (issues.issues.length > 0) throw new ConfigError(issues.issues);

  const root = document.contents as Node | null;
  for (const duplicate of findDuplicateKeys(root, text)) {
    const first = lineCounter.linePos(duplicate.first.range?.[0] ?? 0);
    issues.add(duplicate.node, duplicate.keyPath, `set twice (first at line ${first.line}, column ${first.col}): keys must be unique`);
  }
  if (!isMap(root)) {
    issues.add(root, '', `expected a mapping with a programs key, got ${describe(root, text)}`);
    throw new ConfigError(issues.issues);
  }
  return { root, issues };
}
