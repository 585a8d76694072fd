/** supervisord's readers of its INI values (its datatypes module): each gives a value or what was expected. */
export type IniParsed<T> = { ok: true; value: T } | { ok: false; expected: string };

const ok = <T>(value: T): IniParsed<T> => ({ ok: true, value });
const bad = (expected: string): IniParsed<never> => ({ ok: false, expected });

const truthy = ['yes', 'true', 'on', '1'];
const falsy = ['no', 'false', 'off', '0'];

export function iniBoolean(text: string): IniParsed<boolean> {
  const lower = text.trim().toLowerCase();
  if (truthy.includes(lower)) return ok(true);
  if (falsy.includes(lower)) return ok(false);
  return bad('expected true/false, yes/no, on/off or 1/0');
}

/** Python's int(): optional sign, digits, underscores between digits, surrounding blanks. */
export function iniInteger(text: string): IniParsed<number> {
  const trimmed = text.trim();
  if (!/^[-+]?\d+(_\d+)*$/.test(trimmed)) return bad('expected a whole number');
  const value = Number(trimmed.replace(/_/g, ''));
  return Number.isSafeInteger(value) ? ok(value) : bad('expected a whole number');
}

const sizeUnits: Record<string, number> = { kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** `1024`, `512KB`, `50MB`, `1GB`, any case; no fractions, as supervisord's byte_size. */
export function iniByteSize(text: string): IniParsed<number> {
  const lower = text.trim().toLowerCase();
  const unit = sizeUnits[lower.slice(-2)];
  const number = iniInteger(unit === undefined ? lower : lower.slice(0, -2));
  if (!number.ok || number.value < 0) return bad('expected a size such as 1024, 512KB, 50MB or 1GB');
  return ok(number.value * (unit ?? 1));
}

export function iniOctal(text: string): IniParsed<number> {
  const trimmed = text.trim().replace(/^0o/i, '');
  return /^[0-7]+$/.test(trimmed) ? ok(parseInt(trimmed, 8)) : bad('expected an octal number such as 022');
}

export function iniExitCodes(text: string): IniParsed<number[]> {
  const codes: number[] = [];
  for (const part of text.split(',')) {
    const code = iniInteger(part);
    if (!code.ok || code.value < 0 || code.value > 255) return bad('expected exit codes from 0 to 255, separated by commas');
    codes.push(code.value);
  }
  return ok(codes);
}

export function iniAutorestart(text: string): IniParsed<'always' | 'never' | 'unexpected'> {
  const lower = text.trim().toLowerCase();
  if (truthy.includes(lower)) return ok('always');
  if (falsy.includes(lower)) return ok('never');
  if (lower === 'unexpected') return ok('unexpected');
  return bad('expected true, false or unexpected');
}

/** A process or group name: no blanks, colons or slashes, which break supervisorctl and URLs. */
export function iniName(text: string): IniParsed<string> {
  const name = text.trim();
  const wrong = [' ', ':', '/'].find((character) => name.includes(character));
  if (name === '') return bad('expected a name');
  return wrong ? bad(`expected a name without ${JSON.stringify(wrong)}`) : ok(name);
}

export function iniList(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

const levels: Record<string, 'debug' | 'info' | 'warn' | 'error'> = {
  critical: 'error', error: 'error', warn: 'warn', info: 'info', debug: 'debug', trace: 'debug', blather: 'debug',
};

export function iniLogLevel(text: string): IniParsed<'debug' | 'info' | 'warn' | 'error'> {
  const level = levels[text.trim().toLowerCase()];
  return level ? ok(level) : bad('expected critical, error, warn, info, debug, trace or blather');
}

/** `port`, `host:port` or `*:port`; an empty host or `*` is every interface, as supervisord binds it. */
export function iniInetAddress(text: string): IniParsed<{ host: string; port: number }> {
  const colon = text.lastIndexOf(':');
  const host = colon === -1 ? '' : text.slice(0, colon).toLowerCase();
  const port = iniInteger(colon === -1 ? text : text.slice(colon + 1));
  if (!port.ok || port.value < 1 || port.value > 65_535) return bad('expected a port or host:port such as 127.0.0.1:9001');
  return ok({ host: host === '' || host === '*' ? '0.0.0.0' : host, port: port.value });
}
