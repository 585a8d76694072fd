import type { CommandRow } from './command-row.js';
import { UsageError } from './usage-error.js';

/** A command's words once the flags every command knows are taken out. */
export interface CommandWords {
  readonly args: readonly string[];
  readonly json: boolean;
  readonly help: boolean;
}

/**
 * Takes `--json` and `--help`/`-h` from any position before `--`, so `status web --json`
 * works as `--json status web` does. A row without flags of its own gets no `--` and no
 * other option; a row with its own (`tail -f`) gets the rest as typed, `--` included.
 */
export function splitCommandWords(row: Pick<CommandRow, 'name' | 'ownFlags'>, words: readonly string[]): CommandWords {
  const args: string[] = [];
  let json = false;
  let help = false;
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index]!;
    if (word === '--') {
      args.push(...(row.ownFlags ? words.slice(index) : words.slice(index + 1)));
      break;
    }
    if (word === '--json') json = true;
    else if (word === '--help' || word === '-h') help = true;
    else if (!row.ownFlags && word.startsWith('-') && word.length > 1) throw new UsageError(`${row.name}: unknown option ${word} (see ${row.name} --help; put -- before a name that starts with -)`);
    else args.push(word);
  }
  return { args, json, help };
}
