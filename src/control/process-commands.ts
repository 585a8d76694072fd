import type { CommandRow, ProgressVerb } from './command-row.js';
import { requireNames } from './command-row.js';
import { TaskmasterError } from '../contracts/errors.js';
import { UsageError } from './usage-error.js';
import { statusLineKeys, type StatusLine } from './format-status.js';

const status: CommandRow = {
  name: 'status',
  usage: 'status [NAME...]',
  summary: 'show the state of processes (all by default), and the last output of failed ones; exit 3 if one is STOPPED, EXITED or FATAL, 4 for an unknown name',
  completes: 'names',
  run: async (api, args, printing) => {
    // Text needs a status line's keys only: for a big fleet a fifth of the bytes to encode, send and parse.
    const ask = (names: readonly string[]): Promise<StatusLine[]> => (printing?.json === false ? api.status(names, statusLineKeys) : api.status(names));
    if (args.length === 0) return { kind: 'status', processes: await ask([]), detailed: false, missing: [] };
    // Each name on its own, as supervisorctl does: an unknown one is reported, the others still shown.
    const found = await Promise.all(
      args.map((name) =>
        ask([name]).catch((error: unknown) => {
          if (error instanceof TaskmasterError && error.code === 'E_NO_SUCH_PROCESS') return name;
          throw error;
        }),
      ),
    );
    const seen = new Set<string>();
    const processes = found.flatMap((entry) => (typeof entry === 'string' ? [] : entry)).filter((process) => !seen.has(process.name) && seen.add(process.name));
    // Named processes are looked at closely: every kept line of a failed run, not just the last few.
    return { kind: 'status', processes, detailed: true, missing: found.filter((entry): entry is string => typeof entry === 'string') };
  },
};

/** start, stop and restart: the same shape, and a terminal shows their progress. */
function lifecycleRow(name: 'start' | 'stop' | 'restart', progress: ProgressVerb, summary: string): CommandRow {
  const row: CommandRow = {
    name,
    usage: `${name} NAME...|all`,
    summary,
    completes: 'names',
    progress,
    run: async (api, args) => ({ kind: 'actions', results: await api[name](requireNames(args, row)) }),
  };
  return row;
}

const start = lifecycleRow('start', 'starting', 'start processes and wait until RUNNING or failed');
const stop = lifecycleRow('stop', 'stopping', 'stop processes and wait until stopped');
const restart = lifecycleRow('restart', 'restarting', 'stop then start processes');

const signal: CommandRow = {
  name: 'signal',
  usage: 'signal SIG NAME...|all',
  summary: 'send a signal (TERM, HUP, USR1, 9, ...) to processes',
  completes: 'signal-then-names',
  run: async (api, args) => {
    const [signalName, ...names] = args;
    if (!signalName) throw new UsageError(`signal needs a signal and a NAME\nusage: ${signal.usage}`);
    return { kind: 'actions', results: await api.signal(signalName, requireNames(names, signal)) };
  },
};

const pid: CommandRow = {
  name: 'pid',
  usage: 'pid [NAME]',
  summary: 'pid of the supervisor, or of a process',
  completes: 'names',
  run: async (api, args) => (args.length === 0 ? { kind: 'supervisor-pid', pid: await api.pid() } : { kind: 'process-pids', processes: await api.status(args) }),
};

const history: CommandRow = {
  name: 'history',
  usage: 'history NAME',
  summary: 'the last runs of a process: start, duration, result',
  completes: 'names',
  run: async (api, args) => {
    if (args.length !== 1) throw new UsageError(`usage: ${history.usage}`);
    return { kind: 'history', histories: await api.history(args[0]!) };
  },
};

const clear: CommandRow = {
  name: 'clear',
  usage: 'clear NAME',
  summary: 'empty the output files of a process',
  completes: 'names',
  run: async (api, args) => {
    if (args.length !== 1) throw new UsageError(`usage: ${clear.usage}`);
    return { kind: 'actions', results: await api.clear(args[0]!) };
  },
};

export {
  status as statusCommand,
  start as startCommand,
  stop as stopCommand,
  restart as restartCommand,
  signal as signalCommand,
  pid as pidCommand,
  history as historyCommand,
  clear as clearCommand,
};
