// systemd's unit-file syntax: words in double quotes with C escapes, `%` specifiers doubled.
const plainWord = /^[A-Za-z0-9_/.:,+=@-]+$/;

function cEscape(text: string): string {
  return text.replace(/[\\"\n\t\r]/g, (char) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r' })[char]!);
}

/** One word of a command line: `$` is doubled too, since ExecStart= expands `$VAR`. */
export function quoteExecWord(word: string, first = false): string {
  const escaped = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  // A lone `;` separates commands, and a leading prefix char (@-:+!) changes how argv[0] runs.
  if (plainWord.test(word) && !(first && /^[@:+!-]/.test(word))) return escaped;
  if (word === ';') return '\\;';
  return `"${cEscape(escaped)}"`;
}

/** An exact argv as an ExecStart= line; the first word keeps its place as the program path. */
export function execLine(argv: readonly string[]): string {
  return argv.map((word, index) => quoteExecWord(word, index === 0)).join(' ');
}

/** `Environment="KEY=value"`: no `$` expansion there, but `%` specifiers still apply. */
export function environmentAssignment(key: string, value: string): string {
  return `"${cEscape(`${key}=${value}`.replace(/%/g, '%%'))}"`;
}

/** A path setting such as WorkingDirectory=: specifiers doubled; systemd takes the rest of the line as is. */
export function pathValue(path: string): string {
  return path.replace(/%/g, '%%');
}
