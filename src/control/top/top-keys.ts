/** The keys `top` understands, named; anything else typed is its text. */
export type Key =
  | { readonly name: 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'enter' | 'escape' | 'backspace' | 'interrupt' | 'tab' }
  | { readonly name: 'char'; readonly char: string };

const sequences: readonly [string, Key['name']][] = [
  ['\x1b[A', 'up'],
  ['\x1bOA', 'up'],
  ['\x1b[B', 'down'],
  ['\x1bOB', 'down'],
  ['\x1b[5~', 'pageUp'],
  ['\x1b[6~', 'pageDown'],
  ['\x1b[H', 'home'],
  ['\x1b[1~', 'home'],
  ['\x1bOH', 'home'],
  ['\x1b[F', 'end'],
  ['\x1b[4~', 'end'],
  ['\x1bOF', 'end'],
];

/** Splits what one read of a raw-mode terminal gave into keys; unknown escape sequences are dropped whole. */
export function parseKeys(input: string): Key[] {
  const keys: Key[] = [];
  let index = 0;
  while (index < input.length) {
    const rest = input.slice(index);
    const known = sequences.find(([sequence]) => rest.startsWith(sequence));
    if (known) {
      keys.push({ name: known[1] } as Key);
      index += known[0].length;
      continue;
    }
    const char = input[index]!;
    if (char === '\x1b') {
      // A lone Escape, or a sequence we do not use (F-keys, mouse): skip it to its final byte.
      const unknown = /^\x1b(\[[0-9;?]*[ -/]*[@-~]|O.)/.exec(rest);
      if (unknown) index += unknown[0].length;
      else {
        keys.push({ name: 'escape' });
        index += 1;
      }
      continue;
    }
    index += 1;
    if (char === '\r' || char === '\n') keys.push({ name: 'enter' });
    else if (char === '\x7f' || char === '\b') keys.push({ name: 'backspace' });
    else if (char === '\x03') keys.push({ name: 'interrupt' });
    else if (char === '\t') keys.push({ name: 'tab' });
    else if (char >= ' ') keys.push({ name: 'char', char });
  }
  return keys;
}
