/**
 * Splits a command line into words as a POSIX shell does for quoting and escapes
 * (no expansion, no operators): `a 'b c' "d\"e" f\ g` gives [a, b c, d"e, f g].
 */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let index = 0;
  while (index < line.length) {
    const char = line[index]!;
    if (char === "'") {
      const end = line.indexOf("'", index + 1);
      if (end === -1) throw new SyntaxError('Cannot parse command: unterminated single quote');
      word += line.slice(index + 1, end);
      inWord = true;
      index = end + 1;
    } else if (char === '"') {
      index += 1;
      let closed = false;
      while (index < line.length) {
        const inner = line[index]!;
        if (inner === '"') {
          closed = true;
          index += 1;
          break;
        }
        // Inside double quotes a backslash escapes only these characters.
        if (inner === '\\' && index + 1 < line.length && '"\\$`\n'.includes(line[index + 1]!)) {
          word += line[index + 1];
          index += 2;
        } else {
          word += inner;
          index += 1;
        }
      }
      if (!closed) throw new SyntaxError('Cannot parse command: unterminated double quote');
      inWord = true;
    } else if (char === '\\') {
      if (index + 1 >= line.length) throw new SyntaxError('Cannot parse command: trailing backslash');
      // Backslash-newline is a line continuation, as in a shell.
      if (line[index + 1] !== '\n') word += line[index + 1];
      inWord = true;
      index += 2;
    } else if (char === ' ' || char === '\t' || char === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      index += 1;
    } else {
      word += char;
      inWord = true;
      index += 1;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** One word quoted so that splitShellWords gives it back unchanged; plain words stay as they are. */
export function quoteShellWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** An argv as one command line that splits back into exactly these words. */
export function joinShellWords(argv: readonly string[]): string {
  return argv.map(quoteShellWord).join(' ');
}
