const prefixColours = ['\x1b[36m', '\x1b[33m', '\x1b[32m', '\x1b[35m', '\x1b[34m', '\x1b[96m', '\x1b[93m', '\x1b[92m'];

/** A stable colour per process name, as foreman does; none when stdout is not a terminal. */
export function colourFor(name: string): string {
  if (!process.stdout.isTTY || process.env['NO_COLOR']) return '';
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return prefixColours[hash % prefixColours.length]!;
}
