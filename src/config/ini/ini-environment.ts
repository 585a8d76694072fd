import type { IniParsed } from './ini-values.js';

const wordCharacter = /[A-Za-z0-9_/.+\-():]/;

/** Tokens as Python's shlex in its non-POSIX mode splits them: words, quoted strings (quotes kept), single other characters. */
function tokens(text: string): string[] | undefined {
  const out: string[] = [];
  for (let index = 0; index < text.length; ) {
    const character = text[index]!;
    if (/\s/.test(character)) {
      index += 1;
    } else if (character === '#') {
      const newline = text.indexOf('\n', index);
      index = newline === -1 ? text.length : newline;
    } else if (character === '"' || character === "'") {
      const end = text.indexOf(character, index + 1);
      if (end === -1) return undefined;
      out.push(text.slice(index, end + 1));
      index = end + 1;
    } else if (wordCharacter.test(character)) {
      let end = index;
      // Non-POSIX shlex keeps a quote that follows word characters inside the word.
      while (end < text.length && (wordCharacter.test(text[end]!) || text[end] === '"' || text[end] === "'")) end += 1;
      out.push(text.slice(index, end));
      index = end;
    } else {
      out.push(character);
      index += 1;
    }
  }
  return out;
}

const stripQuotes = (token: string): string => token.replace(/^['"]+|['"]+$/g, '');

/**
 * supervisord's `environment=A="x, y",B=2`: quotes let a value hold commas, and are
 * removed; every fourth token is the separator.
 */
export function iniEnvironment(text: string): IniParsed<Record<string, string>> {
  const list = tokens(text);
  if (!list) return { ok: false, expected: 'expected KEY=value pairs, but a quote is not closed' };
  const env: Record<string, string> = {};
  for (let index = 0; index < list.length; index += 4) {
    const [key, equals, value] = list.slice(index, index + 3);
    // supervisord skips the fourth token unread, so A=$HOME gives A='$'; we refuse what it would cut short.
    const separator = list[index + 3];
    if (key === undefined || equals !== '=' || value === undefined || (separator !== undefined && separator !== ',')) return { ok: false, expected: 'expected KEY=value pairs separated by commas (quote a value that holds other characters)' };
    env[stripQuotes(key)] = stripQuotes(value);
  }
  return { ok: true, value: env };
}
