import type { ProgramEntrySpec } from '../contracts/supervisor-api.js';
import type { CommandRow } from './command-row.js';
import { completionScript, completionShells, type CompletionShell } from './completion-scripts.js';
import { UsageError } from './usage-error.js';

const addOptions = ['--numprocs', '--autorestart', '--env', '--workingdir'] as const;

/** `add NAME [options] -- CMD ARGS...`: options before `--`, the command after it, word for word. */
export function parseAddArgs(args: readonly string[], usage: string): ProgramEntrySpec {
  const end = args.indexOf('--');
  if (end === -1 || end === args.length - 1) throw new UsageError(`add needs the command after --\nusage: ${usage}`);
  const cmd = args.slice(end + 1);
  let name: string | undefined;
  let numprocs: number | undefined;
  let autorestart: string | undefined;
  let workingdir: string | undefined;
  const env: Record<string, string> = {};
  const options = args.slice(0, end);
  for (let index = 0; index < options.length; index += 1) {
    const word = options[index]!;
    if (!word.startsWith('--')) {
      if (name !== undefined) throw new UsageError(`add takes one NAME, got ${name} and ${word}\nusage: ${usage}`);
      name = word;
      continue;
    }
    const equals = word.indexOf('=');
    const option = equals === -1 ? word : word.slice(0, equals);
    if (!(addOptions as readonly string[]).includes(option)) throw new UsageError(`add: unknown option ${option}\nusage: ${usage}`);
    const value = equals === -1 ? options[++index] : word.slice(equals + 1);
    if (value === undefined) throw new UsageError(`add: ${option} needs a value\nusage: ${usage}`);
    if (option === '--numprocs') {
      if (!/^\d+$/.test(value)) throw new UsageError(`add: --numprocs needs a whole number, got ${value}`);
      numprocs = Number(value);
    } else if (option === '--autorestart') autorestart = value;
    else if (option === '--workingdir') workingdir = value;
    else {
      const at = value.indexOf('=');
      if (at <= 0) throw new UsageError(`add: --env needs KEY=VALUE, got ${value}`);
      env[value.slice(0, at)] = value.slice(at + 1);
    }
  }
  if (name === undefined) throw new UsageError(`add needs a NAME\nusage: ${usage}`);
  return {
    name,
    cmd,
    ...(numprocs !== undefined ? { numprocs } : {}),
    ...(autorestart !== undefined ? { autorestart } : {}),
    ...(Object.keys(env).length > 0 ? { env } : {}),
    ...(workingdir !== undefined ? { workingdir } : {}),
  };
}

const add: CommandRow = {
  name: 'add',
  usage: 'add NAME [--numprocs N] [--autorestart always|never|unexpected] [--env K=V]... [--workingdir DIR] -- CMD ARGS...',
  summary: 'add a program to the config file (comments kept) and start it',
  completes: 'none',
  ownFlags: true,
  options: addOptions,
  run: async (api, args) => ({ kind: 'program-change', result: await api.addProgram(parseAddArgs(args, add.usage)) }),
};

const remove: CommandRow = {
  name: 'remove',
  usage: 'remove NAME',
  summary: 'stop a program and remove it from the config file',
  completes: 'programs',
  run: async (api, args) => {
    if (args.length !== 1) throw new UsageError(`usage: ${remove.usage}`);
    return { kind: 'program-change', result: await api.removeProgram(args[0]!) };
  },
};

const update: CommandRow = {
  name: 'update',
  usage: 'update',
  summary: "re-read the config and apply the difference (supervisorctl's word for reload)",
  completes: 'none',
  run: async (api, args) => {
    if (args.length > 0) throw new UsageError(`usage: ${update.usage}`);
    return { kind: 'reload', result: await api.reload() };
  },
};

const completion: CommandRow = {
  name: 'completion',
  usage: 'completion bash|zsh|fish',
  summary: 'print a completion script; process names come from the running supervisor',
  completes: 'shells',
  run: async (_api, args) => {
    const [shell] = args;
    if (args.length !== 1 || !(completionShells as readonly string[]).includes(shell!)) throw new UsageError(`usage: ${completion.usage}`);
    return { kind: 'text', text: completionScript(shell as CompletionShell) };
  },
};

export { add as addCommand, remove as removeCommand, update as updateCommand, completion as completionCommand };
