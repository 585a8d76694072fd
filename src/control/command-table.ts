import type { CommandResult } from './command-result.js';
import type { CommandRow } from './command-row.js';
import { availCommand, reloadCommand, rereadCommand } from './config-commands.js';
import { fgCommand, maintailCommand, tailCommand } from './log-commands.js';
import { clearCommand, historyCommand, pidCommand, restartCommand, signalCommand, startCommand, statusCommand, stopCommand } from './process-commands.js';
import { addCommand, completionCommand, removeCommand, updateCommand } from './program-commands.js';
import { UsageError } from './usage-error.js';

const shutdown: CommandRow = {
  name: 'shutdown',
  usage: 'shutdown',
  summary: 'stop every process and exit the supervisor',
  completes: 'none',
  run: async (api) => {
    await api.shutdown();
    return { kind: 'shutdown' };
  },
};

const version: CommandRow = {
  name: 'version',
  usage: 'version',
  summary: 'show the supervisor version',
  completes: 'none',
  run: async (api) => ({ kind: 'version', version: await api.version() }),
};

const help: CommandRow = {
  name: 'help',
  usage: 'help [COMMAND]',
  summary: 'list commands, or explain one',
  completes: 'commands',
  run: async (_api, args) => {
    const [topic] = args;
    if (!topic) return { kind: 'help', topic: null, commands: commandTable.map(({ usage, summary }) => ({ usage, summary })) };
    const row = findCommand(topic);
    if (!row) throw new UsageError(`no such command: ${topic}`);
    return helpFor(row);
  },
};

/** What `help NAME` and `NAME --help` print. */
export function helpFor(row: CommandRow): CommandResult {
  return { kind: 'help', topic: { usage: row.usage, summary: row.summary }, commands: commandTable.map(({ usage, summary }) => ({ usage, summary })) };
}

const top: CommandRow = {
  name: 'top',
  usage: 'top',
  summary: 'live full-screen view: state, CPU, memory, restarts; keys start, stop, restart, show logs',
  completes: 'none',
  run: async (_api, args) => {
    if (args.length > 0) throw new UsageError(`usage: ${top.usage}`);
    return { kind: 'top' };
  },
};

/** Every command, in the order help lists them. */
export const commandTable: readonly CommandRow[] = [
  statusCommand,
  startCommand,
  stopCommand,
  restartCommand,
  signalCommand,
  reloadCommand,
  rereadCommand,
  pidCommand,
  tailCommand,
  maintailCommand,
  fgCommand,
  historyCommand,
  clearCommand,
  availCommand,
  addCommand,
  removeCommand,
  updateCommand,
  top,
  shutdown,
  version,
  completionCommand,
  help,
];

export const commandNames: readonly string[] = commandTable.map((row) => row.name);

export function findCommand(name: string): CommandRow | undefined {
  return commandTable.find((row) => row.name === name);
}
