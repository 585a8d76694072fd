/** taskmasterctl's own options, taken from anywhere before `--`; the other words are the command's. */
export interface CtlArguments {
  readonly config?: string;
  readonly socket?: string;
  readonly json: boolean;
  /** `--help` before any command: taskmasterctl's usage. After one, it is that command's. */
  readonly help: boolean;
  readonly version: boolean;
  readonly words: readonly string[];
}

const valueOptions: Record<string, 'config' | 'socket'> = { '-c': 'config', '--config': 'config', '-s': 'socket', '--socket': 'socket' };

/**
 * Splits taskmasterctl's argv: `-c`, `-s` and `--json` in any position (`status web --json`),
 * `-h`/`-v` before the command; `--` ends option parsing and stays in the command's words,
 * which treats what follows as operands (`add NAME -- CMD ARGS...`).
 */
export function parseCtlArguments(argv: readonly string[]): CtlArguments {
  const values: { config?: string; socket?: string } = {};
  const words: string[] = [];
  let json = false;
  let help = false;
  let version = false;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    if (arg === '--') {
      words.push(...(words.length === 0 ? argv.slice(index + 1) : argv.slice(index)));
      break;
    }
    const equals = arg.indexOf('=');
    const option = arg.startsWith('--') && equals !== -1 ? arg.slice(0, equals) : arg;
    const target = valueOptions[option];
    if (target) {
      const value = option === arg ? argv[++index] : arg.slice(equals + 1);
      if (value === undefined) throw new Error(`option ${option} needs a value`);
      values[target] = value;
    } else if (arg === '--json') json = true;
    else if (words.length === 0 && (arg === '-h' || arg === '--help')) help = true;
    else if (words.length === 0 && (arg === '-v' || arg === '--version')) version = true;
    else if (words.length === 0 && arg.startsWith('-') && arg !== '-') throw new Error(`unknown option ${arg}`);
    else words.push(arg);
  }
  return { ...values, json, help, version, words };
}
