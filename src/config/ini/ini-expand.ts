/** The names `%(name)s` may use in a value: strings, and numbers for process_num and numprocs. */
export type Expansions = ReadonlyMap<string, string | number>;

export type Expanded = { ok: true; value: string } | { ok: false; message: string };

const specifier = /^%\(([^)]*)\)([-+ #0]*)(\d*)(?:\.(\d+))?[hlL]?([diouxXeEfFgGcrsa%])/;

function pad(text: string, flags: string, width: number, numeric: boolean): string {
  if (text.length >= width) return text;
  if (flags.includes('-')) return text.padEnd(width);
  if (numeric && flags.includes('0')) {
    const sign = /^[-+ ]/.test(text) ? text[0]! : '';
    return sign + text.slice(sign.length).padStart(width - sign.length, '0');
  }
  return text.padStart(width);
}

function convert(value: string | number, flags: string, precision: string | undefined, type: string): string | undefined {
  if (type === 's' || type === 'r' || type === 'a') {
    const text = type === 's' ? String(value) : typeof value === 'number' ? String(value) : `'${value}'`;
    return precision === undefined ? text : text.slice(0, Number(precision));
  }
  if (typeof value !== 'number') return undefined;
  const sign = value < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  const magnitude = Math.abs(value);
  switch (type) {
    case 'd': case 'i': case 'u': return sign + String(Math.trunc(magnitude));
    case 'x': return sign + (flags.includes('#') ? '0x' : '') + Math.trunc(magnitude).toString(16);
    case 'X': return sign + (flags.includes('#') ? '0X' : '') + Math.trunc(magnitude).toString(16).toUpperCase();
    case 'o': return sign + (flags.includes('#') ? '0o' : '') + Math.trunc(magnitude).toString(8);
    case 'f': case 'F': return sign + magnitude.toFixed(precision === undefined ? 6 : Number(precision));
    case 'e': case 'E': {
      const text = magnitude.toExponential(precision === undefined ? 6 : Number(precision)).replace(/e([+-])(\d)$/, 'e$10$2');
      return sign + (type === 'E' ? text.toUpperCase() : text);
    }
    case 'g': case 'G': return sign + String(magnitude);
    case 'c': return String.fromCodePoint(magnitude);
    default: return undefined;
  }
}

/**
 * Expands a value as supervisord does with Python's `value % names`: `%(name)s`, printf
 * flags and widths such as `%(process_num)02d`, and `%%` for a literal `%`.
 */
export function expand(value: string, names: Expansions): Expanded {
  let out = '';
  for (let index = 0; index < value.length; ) {
    const percent = value.indexOf('%', index);
    if (percent === -1) {
      out += value.slice(index);
      break;
    }
    out += value.slice(index, percent);
    if (value[percent + 1] === '%') {
      out += '%';
      index = percent + 2;
      continue;
    }
    const match = specifier.exec(value.slice(percent));
    if (!match) return { ok: false, message: `badly formatted: a % must start %(name)s or be written %% (at "${value.slice(percent, percent + 12)}")` };
    const [whole, name = '', flags = '', width = '', precision, type = 's'] = match;
    const named = names.get(name);
    if (named === undefined) {
      return { ok: false, message: `%(${name}) cannot be expanded; available names: ${[...names.keys()].sort().join(', ')}` };
    }
    const text = type === '%' ? '%' : convert(named, flags, precision, type);
    if (text === undefined) return { ok: false, message: `%(${name})${type} needs a number, but ${name} is text` };
    out += pad(text, flags, width === '' ? 0 : Number(width), type !== 's' && type !== 'r' && type !== 'a');
    index = percent + whole.length;
  }
  return { ok: true, value: out };
}
