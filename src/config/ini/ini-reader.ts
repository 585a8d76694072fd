/** One `key = value` of an INI file; offsets are into the combined text of every file read (see IniSources). */
export interface IniValue {
  readonly key: string;
  readonly value: string;
  readonly keyOffset: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  /** The folder of the file it was read from, which `%(here)s` means in it. */
  readonly here: string;
}

export interface IniSection {
  readonly name: string;
  /** Where its first header was written. */
  readonly offset: number;
  readonly values: Map<string, IniValue>;
}

/** Every section read so far; a later file's section of the same name merges into it, as Python's strict=False does. */
export interface IniDocument {
  readonly sections: Map<string, IniSection>;
  readonly defaults: Map<string, IniValue>;
}

export interface IniSyntaxError {
  readonly offset: number;
  readonly message: string;
}

export const emptyIniDocument = (): IniDocument => ({ sections: new Map(), defaults: new Map() });

const commentPrefixes = [';', '#'];

/** Where a comment starts: a full-line `;`/`#`, or an inline one only after whitespace (Python's inline_comment_prefixes). */
function commentStart(line: string): number {
  if (commentPrefixes.some((prefix) => line.trim().startsWith(prefix))) return 0;
  let start = line.length;
  for (const prefix of commentPrefixes) {
    for (let index = line.indexOf(prefix); index !== -1; index = line.indexOf(prefix, index + 1)) {
      if (index === 0 || /\s/.test(line[index - 1]!)) {
        start = Math.min(start, index);
        break;
      }
    }
  }
  return start;
}

interface OpenValue {
  readonly entry: { key: string; lines: string[]; keyOffset: number; valueStart: number; valueEnd: number };
  readonly target: Map<string, IniValue>;
}

/**
 * Reads one file's text into `document` with RawConfigParser's rules: `[section]` headers,
 * `key = value` or `key: value`, keys lower-cased, indented continuation lines, `[DEFAULT]`,
 * and a key set twice keeps the last value. Lines it cannot read are returned, not thrown.
 */
export function readIni(text: string, baseOffset: number, here: string, document: IniDocument): IniSyntaxError[] {
  const errors: IniSyntaxError[] = [];
  let current: Map<string, IniValue> | null = null;
  let open: OpenValue | null = null;
  let indentLevel = 0;
  const close = (): void => {
    if (!open) return;
    const { entry, target } = open;
    while (entry.lines.length > 1 && entry.lines[entry.lines.length - 1] === '') entry.lines.pop();
    target.set(entry.key, { key: entry.key, value: entry.lines.join('\n'), keyOffset: entry.keyOffset, valueStart: entry.valueStart, valueEnd: entry.valueEnd, here });
    open = null;
  };
  let lineOffset = 0;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const at = baseOffset + lineOffset;
    lineOffset += rawLine.length + 1;
    const cut = commentStart(line);
    const content = line.slice(0, cut);
    const value = content.trim();
    if (value === '') {
      // A blank line may sit inside a multi-line value; a comment line never adds one.
      if (cut === line.length && open) open.entry.lines.push('');
      continue;
    }
    const indent = line.length - line.trimStart().length;
    const valueColumn = content.indexOf(value);
    if (open && indent > indentLevel) {
      open.entry.lines.push(value);
      open.entry.valueEnd = at + valueColumn + value.length;
      continue;
    }
    close();
    indentLevel = indent;
    const header = /^\[(.+)\]/.exec(value);
    if (header) {
      const name = header[1]!;
      if (name === 'DEFAULT') {
        current = document.defaults;
      } else {
        let section = document.sections.get(name);
        if (!section) {
          section = { name, offset: at + valueColumn, values: new Map() };
          document.sections.set(name, section);
        }
        current = section.values;
      }
      continue;
    }
    if (current === null) {
      errors.push({ offset: at + valueColumn, message: `expected a [section] header before any key, got ${JSON.stringify(value)}` });
      continue;
    }
    const option = /^(.*?)\s*([=:])\s*(.*)$/.exec(value);
    if (!option || option[1] === '') {
      errors.push({ offset: at + valueColumn, message: `expected key = value, got ${JSON.stringify(value)}` });
      continue;
    }
    const key = option[1]!.trimEnd().toLowerCase();
    const optionValue = option[3]!.trim();
    const valueStart = at + valueColumn + (optionValue === '' ? value.length : value.lastIndexOf(optionValue));
    open = { entry: { key, lines: [optionValue], keyOffset: at + valueColumn, valueStart, valueEnd: valueStart + optionValue.length }, target: current };
  }
  close();
  return errors;
}

/** A key of a section, else of `[DEFAULT]`, as RawConfigParser.get looks it up. */
export function lookup(document: IniDocument, section: IniSection, key: string): IniValue | undefined {
  return section.values.get(key) ?? document.defaults.get(key);
}
