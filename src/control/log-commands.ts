import type { LogSource } from '../contracts/supervisor-api.js';
import { TaskmasterError } from '../contracts/errors.js';
import type { CommandRow } from './command-row.js';
import { UsageError } from './usage-error.js';

function parseTailArgs(args: readonly string[], allowName: boolean): { follow: boolean; lines: number; rest: string[] } {
  let follow = false;
  let lines = 10;
  const rest: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg === '-f') follow = true;
    else if (arg === '-n' || /^-\d+$/.test(arg)) {
      const value = arg === '-n' ? args[++index] : arg.slice(1);
      lines = Number(value);
      if (!Number.isInteger(lines) || lines < 0) throw new UsageError(`-n needs a whole number, got ${value ?? 'nothing'}`);
    } else if (allowName) rest.push(arg);
    else throw new UsageError(`unexpected argument ${arg}`);
  }
  return { follow, lines, rest };
}

const tail: CommandRow = {
  name: 'tail',
  usage: 'tail [-f] [-n N] NAME [stdout|stderr]',
  summary: 'show the end of a process output; -f follows it',
  completes: 'tail',
  run: async (api, args) => {
    const { follow, lines, rest } = parseTailArgs(args, true);
    const [name, stream = 'stdout'] = rest;
    if (!name || rest.length > 2 || (stream !== 'stdout' && stream !== 'stderr')) throw new UsageError(`usage: ${tail.usage}`);
    const source: LogSource = { kind: 'process', name, stream };
    return { kind: 'tail', source, text: await api.tail(source, lines), follow };
  },
};

const maintail: CommandRow = {
  name: 'maintail',
  usage: 'maintail [-f] [-n N]',
  summary: 'show the end of the event log; -f follows it',
  completes: 'none',
  run: async (api, args) => {
    const { follow, lines } = parseTailArgs(args, false);
    const source = { kind: 'events' as const };
    return { kind: 'tail', source, text: await api.tail(source, lines), follow };
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
