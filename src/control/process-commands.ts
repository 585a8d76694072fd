import type { CommandRow } from './command-row.js';
import { requireNames } from './command-row.js';
import { UsageError } from './usage-error.js';

const status: CommandRow = {
  name: 'status',
  usage: 'status [NAME...]',
  summary: 'show the state of processes (all by default); exit 3 if any is not RUNNING',
  completes: 'names',
  run: async (api, args) => ({ kind: 'status', processes: await api.status(args) }),
};

const start: CommandRow = {
  name: 'start',
  usage: 'start NAME...|all',
  summary: 'start processes and wait until RUNNING or failed',
  completes: 'names',
  progress: 'starting',
  run: async (api, args) => ({ kind: 'actions', results: await api.start(requireNames(args, start)) }),
};

const stop: CommandRow = {
  name: 'stop',
  usage: 'stop NAME...|all',
  summary: 'stop processes and wait until stopped',
  completes: 'names',
  progress: 'stopping',
  run: async (api, args) => ({ kind: 'actions', results: await api.stop(requireNames(args, stop)) }),
};

const restart: CommandRow = {
  name: 'restart',
  usage: 'restart NAME...|all',
  summary: 'stop then start processes',
  completes: 'names',
  progress: 'restarting',
  run: async (api, args) => ({ kind: 'actions', results: await api.restart(requireNames(args, restart)) }),
};

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
