import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { SupervisorApi } from '../contracts/supervisor-api.js';
import { splitShellWords } from '../config/shell-words.js';
import { commandNames, findCommand } from './command-table.js';
import { runCommand, type Terminal } from './commands.js';

const historyLimit = 1000;
const signalNames = ['TERM', 'HUP', 'INT', 'QUIT', 'KILL', 'USR1', 'USR2', 'STOP', 'CONT'];

export interface ShellOptions {
  /** The shell of a foreground supervisor: leaving it stops the supervisor. */
  readonly inProcess: boolean;
  readonly historyFile?: string;
}

export function defaultHistoryFile(): string {
  if (process.env['TASKMASTER_HISTORY']) return process.env['TASKMASTER_HISTORY'];
  const stateHome = process.env['XDG_STATE_HOME'] ?? join(homedir(), '.local', 'state');
  return join(stateHome, 'taskmaster', 'history');
}

function loadHistory(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((line) => line !== '').reverse().slice(0, historyLimit);
  } catch {
    return [];
  }
}

function saveHistory(file: string, newestFirst: readonly string[]): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${[...newestFirst].slice(0, historyLimit).reverse().join('\n')}\n`, { mode: 0o600 });
  } catch {
    // History is a convenience: a read-only home must not break the shell.
  }
}

/** True when the finished words after `tail` already hold its NAME, so a stream comes next. */
function tailHasName(finished: readonly string[]): boolean {
  for (let index = 0; index < finished.length; index += 1) {
    const word = finished[index]!;
    if (word === '-n') index += 1;
    else if (!word.startsWith('-')) return true;
  }
  return false;
}

async function completeWords(api: SupervisorApi, line: string): Promise<[string[], string]> {
  const words = line.trimStart().split(/\s+/);
  const current = words[words.length - 1] ?? '';
  const candidates: string[] = [];
  const completes = words.length <= 1 ? 'command' : (findCommand(words[0]!)?.completes ?? 'names');
  if (completes === 'command') candidates.push(...commandNames, 'quit', 'exit');
  else if (completes === 'commands') candidates.push(...commandNames);
  else if (completes === 'signal-then-names' && words.length === 2) candidates.push(...signalNames);
  else if (completes === 'tail' && tailHasName(words.slice(1, -1))) candidates.push('stdout', 'stderr');
  else if (completes !== 'none') {
    const processes = await api.status().catch(() => []);
    const groups = new Set(processes.filter((process) => process.name.includes(':')).map((process) => process.group));
    candidates.push('all', ...processes.map((process) => process.name), ...[...groups].flatMap((group) => [group, `${group}:*`]));
  }
  const hits = [...new Set(candidates)].filter((candidate) => candidate.startsWith(current)).sort();
  // As in bash, a word completed in full gets its space, ready for the next one.
  return [hits.length === 1 ? [`${hits[0]} `] : hits, current];
}

/** The interactive control shell: line editing, history kept across runs, completion of commands and names. */
export async function runShell(api: SupervisorApi, options: ShellOptions): Promise<void> {
  const historyFile = options.historyFile ?? defaultHistoryFile();
  let history = loadHistory(historyFile);
  const colour = process.stdout.isTTY === true && !process.env['NO_COLOR'];
  process.stdout.write(`taskmaster control shell: type help for commands, quit or Ctrl-D to ${options.inProcess ? 'stop taskmaster' : 'leave'}\n`);
  for (;;) {
    const outcome = await session(api, history, colour, (updated) => {
      history = updated;
      saveHistory(historyFile, updated);
    });
    if (outcome === 'quit') return;
  }
}

type Outcome = 'quit' | 'reopen';

function session(api: SupervisorApi, history: string[], colour: boolean, onHistory: (history: string[]) => void): Promise<Outcome> {
  return new Promise((resolve) => {
    const rl: Interface = createInterface({
      input: process.stdin,
      output: process.stdout,
      prompt: 'taskmaster> ',
      history: [...history],
      historySize: historyLimit,
      removeHistoryDuplicates: true,
      completer: (line: string, callback: (error: null, result: [string[], string]) => void) => {
        void completeWords(api, line).then((result) => callback(null, result));
      },
    });
    rl.on('history', (updated: string[]) => onHistory([...updated]));
    let detach: (() => void) | null = null;
    let attachedLine: ((line: string) => void) | null = null;
    let finished = false;
    const queue: string[] = [];
    let running = false;
    // Piped input can end while its commands still run: they finish before the shell leaves.
    let inputEnded = false;

    const terminal: Terminal = {
      interrupted: () => terminal.attach!(() => {}),
      write: (text) => process.stdout.write(text),
      writeError: (text) => process.stderr.write(text),
      isTTY: process.stdout.isTTY === true,
      colour,
      json: false,
      rawTerminal: async () => (await import('./raw-terminal.js')).openRawTerminal(process.stdin, process.stdout),
      attach: (onLine) =>
        new Promise<void>((release) => {
          // With piped input already over, nobody could ever detach.
          if (inputEnded) {
            release();
            return;
          }
          attachedLine = onLine;
          rl.setPrompt('');
          detach = () => {
            attachedLine = null;
            detach = null;
            rl.setPrompt('taskmaster> ');
            release();
          };
        }),
    };

    const finish = (outcome: Outcome): void => {
      if (finished) return;
      finished = true;
      rl.close();
      resolve(outcome);
    };

    const pump = async (): Promise<void> => {
      if (running) return;
      running = true;
      for (let line = queue.shift(); line !== undefined; line = queue.shift()) {
        let words: string[];
        try {
          words = splitShellWords(line.trim());
        } catch (error) {
          process.stderr.write(`${(error as Error).message}\n`);
          continue;
        }
        if (words[0] === 'quit' || words[0] === 'exit') {
          finish('quit');
          return;
        }
        try {
          await runCommand(api, terminal, words);
        } catch (error) {
          process.stderr.write(`ERROR: ${(error as Error).message}\n`);
        }
        if (words[0] === 'shutdown') {
          finish('quit');
          return;
        }
      }
      running = false;
      if (inputEnded) finish('quit');
      else if (!finished) rl.prompt();
    };

    rl.on('line', (line) => {
      if (attachedLine) {
        attachedLine(line);
        return;
      }
      queue.push(line);
      void pump();
    });
    rl.on('SIGINT', () => {
      if (detach) {
        detach();
        return;
      }
      process.stdout.write('^C\n');
      rl.write(null, { ctrl: true, name: 'u' });
      rl.prompt();
    });
    rl.on('close', () => {
      if (finished) return;
      if (detach) {
        detach();
        // Ctrl-D on a terminal only detaches and the shell carries on; piped input has truly ended.
        if (process.stdin.isTTY) {
          finished = true;
          resolve('reopen');
          return;
        }
      }
      process.stdout.write('\n');
      inputEnded = true;
      if (!running) finish('quit');
    });
    rl.prompt();
  });
}
