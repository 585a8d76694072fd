import type { ActionResult, ControlApi, OutputStreamName, ProcessInfo } from '../api/supervisor-api.js';
import { TaskmasterError } from '../errors.js';
import { formatStatusLine } from './format-status.js';
import { formatTimestamp } from '../engine/event-log.js';

/** Where a command writes, and how: colour and progress only on a terminal. */
export interface Terminal {
  write(text: string): void;
  writeError(text: string): void;
  readonly isTTY: boolean;
  readonly colour: boolean;
  readonly json: boolean;
  /** Lines typed by the user while attached with `fg`; ends when the user detaches. */
  attach?(onLine: (line: string) => void): Promise<void>;
  /** Resolves when the user interrupts a `tail -f` (Ctrl-C in the shell); absent, it runs until killed. */
  interrupted?(): Promise<void>;
}

export interface CommandHelp {
  readonly usage: string;
  readonly summary: string;
}

export const commandHelp: Readonly<Record<string, CommandHelp>> = {
  status: { usage: 'status [NAME...]', summary: 'show the state of processes (all by default); exit 3 if any is not RUNNING' },
  start: { usage: 'start NAME...|all', summary: 'start processes and wait until RUNNING or failed' },
  stop: { usage: 'stop NAME...|all', summary: 'stop processes and wait until stopped' },
  restart: { usage: 'restart NAME...|all', summary: 'stop then start processes' },
  signal: { usage: 'signal SIG NAME...|all', summary: 'send a signal (TERM, HUP, USR1, 9, ...) to processes' },
  reload: { usage: 'reload', summary: 're-read the config and apply the difference (as SIGHUP)' },
  reread: { usage: 'reread', summary: 'show what reload would change, without applying it' },
  pid: { usage: 'pid [NAME]', summary: 'pid of the supervisor, or of a process' },
  tail: { usage: 'tail [-f] [-n N] NAME [stdout|stderr]', summary: 'show the end of a process output; -f follows it' },
  maintail: { usage: 'maintail [-f] [-n N]', summary: 'show the end of the event log; -f follows it' },
  fg: { usage: 'fg NAME', summary: 'attach: show output live and send typed lines to stdin; Ctrl-C or Ctrl-D detaches' },
  history: { usage: 'history NAME', summary: 'the last runs of a process: start, duration, result' },
  clear: { usage: 'clear NAME', summary: 'empty the output files of a process' },
  avail: { usage: 'avail', summary: 'list the configured programs' },
  shutdown: { usage: 'shutdown', summary: 'stop every process and exit the supervisor' },
  version: { usage: 'version', summary: 'show the supervisor version' },
  top: { usage: 'top', summary: 'live full-screen view: state, CPU, memory, restarts; keys start, stop, restart, show logs' },
  help: { usage: 'help [COMMAND]', summary: 'list commands, or explain one' },
};

export const commandNames = Object.keys(commandHelp);

/** A command's exit status: 0 ok, 1 an action failed, 2 usage, 3 a status listed a process not RUNNING. */
export type ExitStatus = 0 | 1 | 2 | 3;

class UsageError extends Error {}

function requireNames(args: readonly string[], command: string): readonly string[] {
  if (args.length === 0) throw new UsageError(`${command} needs at least one NAME (or all)\nusage: ${commandHelp[command]!.usage}`);
  return args;
}

function printResults(terminal: Terminal, results: readonly ActionResult[]): ExitStatus {
  if (terminal.json) terminal.write(`${JSON.stringify(results, null, 2)}\n`);
  else for (const result of results) terminal.write(`${result.name}: ${result.ok ? result.message : `ERROR (${result.message})`}\n`);
  return results.every((result) => result.ok) ? 0 : 1;
}

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

const settledStates: Record<string, readonly string[]> = {
  starting: ['RUNNING', 'FATAL', 'STOPPED', 'EXITED'],
  stopping: ['STOPPED', 'EXITED', 'FATAL'],
  restarting: ['RUNNING', 'FATAL', 'EXITED'],
};

/**
 * Runs a long action while showing, on a terminal only, how many of its processes are
 * done and what is still awaited. The event stream is open before the action starts.
 */
async function withProgress<T>(api: ControlApi, terminal: Terminal, verb: keyof typeof settledStates, names: readonly string[], action: () => Promise<T>): Promise<T> {
  if (!terminal.isTTY || terminal.json) return action();
  const targets = new Set((await api.status(names).catch(() => [] as ProcessInfo[])).map((process) => process.name));
  if (targets.size < 2) return action();
  const settled = new Set<string>();
  const finalStates = settledStates[verb]!;
  const controller = new AbortController();
  const render = (): void => {
    const waiting = [...targets].filter((name) => !settled.has(name));
    const shown = waiting.slice(0, 3).join(', ') + (waiting.length > 3 ? ', ...' : '');
    terminal.write(`\r\x1b[K${verb}: ${settled.size}/${targets.size} done${waiting.length > 0 ? `, waiting for ${shown}` : ''}`);
  };
  let subscribed: () => void = () => {};
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  const watching = api.watchEvents((event) => {
    if (event.type === 'snapshot') {
      render();
      subscribed();
      return;
    }
    if (event.type !== 'state') return;
    if (!targets.has(event.process.name)) return;
    if (finalStates.includes(event.process.state)) settled.add(event.process.name);
    render();
  }, controller.signal).catch(() => subscribed());
  await ready;
  try {
    return await action();
  } finally {
    controller.abort();
    await watching;
    terminal.write('\r\x1b[K');
  }
}

async function follow(api: ControlApi, terminal: Terminal, source: Parameters<ControlApi['follow']>[0]): Promise<void> {
  const controller = new AbortController();
  const following = api.follow(source, (text) => terminal.write(text), controller.signal);
  if (terminal.interrupted) {
    await Promise.race([following, terminal.interrupted()]);
    controller.abort();
  }
  await following;
}

/** Runs one command line's words against any implementation of the API. */
export async function runCommand(api: ControlApi, terminal: Terminal, words: readonly string[]): Promise<ExitStatus> {
  const [command, ...args] = words;
  try {
    switch (command) {
      case undefined:
        return 0;
      case 'status': {
        const processes = await api.status(args);
        if (terminal.json) terminal.write(`${JSON.stringify(processes, null, 2)}\n`);
        else for (const process of processes) terminal.write(`${formatStatusLine(process, terminal.colour)}\n`);
        return processes.every((process) => process.state === 'RUNNING') ? 0 : 3;
      }
      case 'start':
        return printResults(terminal, await withProgress(api, terminal, 'starting', requireNames(args, 'start'), () => api.start(args)));
      case 'stop':
        return printResults(terminal, await withProgress(api, terminal, 'stopping', requireNames(args, 'stop'), () => api.stop(args)));
      case 'restart':
        return printResults(terminal, await withProgress(api, terminal, 'restarting', requireNames(args, 'restart'), () => api.restart(args)));
      case 'signal': {
        const [signal, ...names] = args;
        if (!signal) throw new UsageError(`signal needs a signal and a NAME\nusage: ${commandHelp['signal']!.usage}`);
        return printResults(terminal, await api.signal(signal, requireNames(names, 'signal')));
      }
      case 'reload':
      case 'reread': {
        const result = command === 'reload' ? await api.reload() : await api.reread();
        if (terminal.json) {
          terminal.write(`${JSON.stringify(result, null, 2)}\n`);
          return result.ok ? 0 : 1;
        }
        if (!result.ok) {
          terminal.writeError(`config rejected, nothing changed:\n${result.errors.join('\n')}\n`);
          return 1;
        }
        const diff = result.diff!;
        const lines = [
          ...diff.added.map((name) => `${name}: ${result.applied ? 'added' : 'available'}`),
          ...diff.changed.map((change) => `${change.name}: changed (${change.changedKeys.join(', ')})${change.respawn ? ', restarted' : ', applied in place'}`),
          ...diff.removed.map((name) => `${name}: ${result.applied ? 'removed' : 'disappeared'}`),
        ];
        terminal.write(lines.length > 0 ? `${lines.join('\n')}\n` : 'No config updates to processes\n');
        return 0;
      }
      case 'pid': {
        if (args.length === 0) {
          const pid = await api.pid();
          terminal.write(terminal.json ? `${JSON.stringify({ pid })}\n` : `${pid}\n`);
          return 0;
        }
        const processes = await api.status(args);
        for (const process of processes) terminal.write(`${terminal.json ? JSON.stringify({ name: process.name, pid: process.pid }) : (process.pid ?? 0)}\n`);
        return processes.every((process) => process.pid !== null) ? 0 : 1;
      }
      case 'tail': {
        const { follow: following, lines, rest } = parseTailArgs(args, true);
        const [name, streamName = 'stdout'] = rest;
        if (!name || rest.length > 2 || (streamName !== 'stdout' && streamName !== 'stderr')) {
          throw new UsageError(`usage: ${commandHelp['tail']!.usage}`);
        }
        const source = { kind: 'process' as const, name, stream: streamName as OutputStreamName };
        const text = await api.tail(source, lines);
        terminal.write(terminal.json && !following ? `${JSON.stringify({ name, stream: streamName, text })}\n` : text);
        if (following) await follow(api, terminal, source);
        return 0;
      }
      case 'maintail': {
        const { follow: following, lines } = parseTailArgs(args, false);
        const text = await api.tail({ kind: 'events' }, lines);
        terminal.write(terminal.json && !following ? `${JSON.stringify({ text })}\n` : text);
        if (following) await follow(api, terminal, { kind: 'events' });
        return 0;
      }
      case 'fg': {
        const [name] = args;
        if (!name || args.length > 1) throw new UsageError(`usage: ${commandHelp['fg']!.usage}`);
        if (!terminal.attach) throw new UsageError('fg needs an interactive terminal');
        const [process] = await api.status([name]);
        if (!process || process.pid === null) throw new TaskmasterError('E_NOT_RUNNING', `${name} is not running`);
        terminal.writeError(`attached to ${process.name} (pid ${process.pid}); Ctrl-C or Ctrl-D detaches, the process keeps running\n`);
        const controller = new AbortController();
        const output = Promise.all(
          (['stdout', 'stderr'] as const).map((stream) =>
            api.follow({ kind: 'process', name, stream }, (text) => terminal.write(text), controller.signal).catch(() => undefined),
          ),
        );
        // One write at a time keeps the lines in order; all are delivered before detaching.
        let written = Promise.resolve();
        await terminal.attach((line) => {
          written = written.then(() => api.writeStdin(name, `${line}\n`)).catch((error: Error) => terminal.writeError(`${error.message}\n`));
        });
        await written;
        controller.abort();
        await output;
        terminal.writeError(`detached from ${process.name}\n`);
        return 0;
      }
      case 'history': {
        if (args.length !== 1) throw new UsageError(`usage: ${commandHelp['history']!.usage}`);
        const histories = await api.history(args[0]!);
        if (terminal.json) {
          terminal.write(`${JSON.stringify(histories, null, 2)}\n`);
          return 0;
        }
        for (const { name, runs } of histories) {
          terminal.write(`${name}\n`);
          if (runs.length === 0) terminal.write('  no runs yet\n');
          for (const run of runs) {
            const ended = run.result === 'running' ? 'still running' : `${run.result}, ${run.signal ?? `exit ${run.exitCode}`}, ${((run.durationMs ?? 0) / 1000).toFixed(2)}s`;
            terminal.write(`  ${formatTimestamp(new Date(run.startedAt))}  ${ended}\n`);
          }
        }
        return 0;
      }
      case 'clear':
        if (args.length !== 1) throw new UsageError(`usage: ${commandHelp['clear']!.usage}`);
        return printResults(terminal, await api.clear(args[0]!));
      case 'avail': {
        const programs = await api.avail();
        if (terminal.json) terminal.write(`${JSON.stringify(programs, null, 2)}\n`);
        else for (const program of programs) terminal.write(`${program.name.padEnd(32)} ${program.autostart ? 'auto' : 'manual'}  numprocs ${program.numprocs}  priority ${program.priority}  ${program.cmd}\n`);
        return 0;
      }
      case 'shutdown':
        await api.shutdown();
        terminal.write(terminal.json ? '{"ok":true}\n' : 'Shut down\n');
        return 0;
      case 'version': {
        const version = await api.version();
        terminal.write(terminal.json ? `${JSON.stringify({ version })}\n` : `${version}\n`);
        return 0;
      }
      case 'top':
        return (await import('./top/top-command.js')).topCommand(api, terminal);
      case 'help': {
        const [topic] = args;
        if (topic) {
          const help = commandHelp[topic];
          if (!help) throw new UsageError(`no such command: ${topic}`);
          terminal.write(terminal.json ? `${JSON.stringify(help)}\n` : `${help.usage}\n  ${help.summary}\n`);
          return 0;
        }
        if (terminal.json) {
          terminal.write(`${JSON.stringify(Object.values(commandHelp), null, 2)}\n`);
          return 0;
        }
        for (const help of Object.values(commandHelp)) terminal.write(`  ${help.usage.padEnd(40)} ${help.summary}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command: ${command} (try help)`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      terminal.writeError(`${error.message}\n`);
      return 2;
    }
    if (error instanceof TaskmasterError) {
      if (terminal.json) terminal.write(`${JSON.stringify({ code: error.code, message: error.message, details: error.details ?? null })}\n`);
      else terminal.writeError(`ERROR: ${error.message}\n`);
      return error.code === 'E_NO_SUPERVISOR' ? 2 : 1;
    }
    throw error;
  }
}
