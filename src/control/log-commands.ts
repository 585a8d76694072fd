import type { LogSource, SupervisorApi } from '../contracts/supervisor-api.js';
import { TaskmasterError } from '../contracts/errors.js';
import type { CommandRow } from './command-row.js';
import { UsageError } from './usage-error.js';

/** What `tail` and `maintail` show without `-n`: the last 1600 bytes, as supervisorctl does. */
export const defaultTailBytes = 1600;

function parseTailArgs(args: readonly string[], allowName: boolean): { follow: boolean; lines: number | null; rest: string[] } {
  let follow = false;
  let lines: number | null = null;
  let flagsEnded = false;
  const rest: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (flagsEnded) {
      if (!allowName) throw new UsageError(`unexpected argument ${arg}`);
      rest.push(arg);
    } else if (arg === '--') flagsEnded = true;
    else if (arg === '-f') follow = true;
    else if (arg === '-n' || /^-\d+$/.test(arg)) {
      const value = arg === '-n' ? args[++index] : arg.slice(1);
      lines = Number(value);
      if (!Number.isInteger(lines) || lines < 0) throw new UsageError(`-n needs a whole number, got ${value ?? 'nothing'}`);
    } else if (arg.startsWith('-') && arg.length > 1) throw new UsageError(`unknown option ${arg} (see --help)`);
    else if (allowName) rest.push(arg);
    else throw new UsageError(`unexpected argument ${arg}`);
  }
  return { follow, lines, rest };
}

function readTail(api: SupervisorApi, source: LogSource, lines: number | null): Promise<string> {
  return lines === null ? api.tail(source, 0, defaultTailBytes) : api.tail(source, lines);
}

const tail: CommandRow = {
  name: 'tail',
  usage: 'tail [-f] [-n N] NAME [stdout|stderr]',
  summary: 'show the end of a process output (the last 1600 bytes, or N lines); -f follows it',
  completes: 'tail',
  ownFlags: true,
  run: async (api, args) => {
    const { follow, lines, rest } = parseTailArgs(args, true);
    const [name, stream = 'stdout'] = rest;
    if (!name || rest.length > 2 || (stream !== 'stdout' && stream !== 'stderr')) throw new UsageError(`usage: ${tail.usage}`);
    const source: LogSource = { kind: 'process', name, stream };
    return { kind: 'tail', source, text: await readTail(api, source, lines), follow };
  },
};

const maintail: CommandRow = {
  name: 'maintail',
  usage: 'maintail [-f] [-n N]',
  summary: 'show the end of the event log (the last 1600 bytes, or N lines); -f follows it',
  completes: 'none',
  ownFlags: true,
  run: async (api, args) => {
    const { follow, lines } = parseTailArgs(args, false);
    const source = { kind: 'events' as const };
    return { kind: 'tail', source, text: await readTail(api, source, lines), follow };
  },
};

const fg: CommandRow = {
  name: 'fg',
  usage: 'fg NAME',
  summary: 'attach: a tty program gets your terminal (Ctrl-] or Ctrl-P Ctrl-Q detaches); others show output live and take typed lines (Ctrl-C or Ctrl-D detaches)',
  completes: 'names',
  run: async (api, args) => {
    const [name] = args;
    if (!name || args.length > 1) throw new UsageError(`usage: ${fg.usage}`);
    const [process] = await api.status([name]);
    if (!process || process.pid === null) throw new TaskmasterError('E_NOT_RUNNING', `${name} is not running`);
    return { kind: 'attach', process };
  },
};

export { tail as tailCommand, maintail as maintailCommand, fg as fgCommand };
