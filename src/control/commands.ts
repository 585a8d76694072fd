import type { SupervisorApi, LogSource, ProcessInfo } from '../contracts/supervisor-api.js';
import { TaskmasterError } from '../contracts/errors.js';
import { withProgress } from './command-progress.js';
import { exitStatusOf, type CommandResult, type ExitStatus } from './command-result.js';
import type { CommandRow } from './command-row.js';
import { findCommand, helpFor } from './command-table.js';
import { splitCommandWords, type CommandWords } from './command-words.js';
import { formatResultJson, formatResultText } from './format-result.js';
import type { RawTerminal } from './raw-terminal.js';
import { UsageError } from './usage-error.js';

export type { ExitStatus } from './command-result.js';
export { commandNames } from './command-table.js';

/** Where a command writes, and how: colour and progress only on a terminal. */
export interface Terminal {
  write(text: string): void;
  writeError(text: string): void;
  readonly isTTY: boolean;
  readonly colour: boolean;
  readonly json: boolean;
  /** Lines typed by the user while attached with `fg`; ends when the user detaches. */
  attach?(onLine: (line: string) => void): Promise<void>;
  /** The user's terminal in raw mode, for `fg` on a tty process; null (or absent) when input is not a terminal, and fg then works by lines. */
  rawTerminal?(): Promise<RawTerminal | null>;
  /** Resolves when the user interrupts a `tail -f` (Ctrl-C in the shell); absent, it runs until killed. */
  interrupted?(): Promise<void>;
}

async function follow(api: SupervisorApi, terminal: Terminal, source: LogSource): Promise<void> {
  const controller = new AbortController();
  const following = api.follow(source, (text) => terminal.write(text), controller.signal);
  if (terminal.interrupted) {
    await Promise.race([following, terminal.interrupted()]);
    controller.abort();
  }
  await following;
}

/** `fg`: output live, typed lines to the process's stdin, until the user detaches. */
async function attach(api: SupervisorApi, terminal: Terminal, process: ProcessInfo, attachLines: NonNullable<Terminal['attach']>): Promise<void> {
  const controller = new AbortController();
  const output = Promise.all(
    (['stdout', 'stderr'] as const).map((stream) =>
      api.follow({ kind: 'process', name: process.name, stream }, (text) => terminal.write(text), controller.signal).catch(() => undefined),
    ),
  );
  // One write at a time keeps the lines in order; all are delivered before detaching.
  let written = Promise.resolve();
  await attachLines((line) => {
    written = written.then(() => api.writeStdin(process.name, `${line}\n`)).catch((error: Error) => terminal.writeError(`${error.message}\n`));
  });
  await written;
  controller.abort();
  await output;
  terminal.writeError(`detached from ${process.name}\n`);
}

async function execute(api: SupervisorApi, terminal: Terminal, row: CommandRow, words: CommandWords): Promise<CommandResult> {
  const { args } = words;
  if (words.help) return helpFor(row);
  if (row.name === 'fg' && !terminal.attach) throw new UsageError('fg needs an interactive terminal');
  const run = (): Promise<CommandResult> => row.run(api, args, { json: terminal.json });
  if (row.progress && args.length > 0 && terminal.isTTY && !terminal.json) return withProgress(api, (text) => terminal.write(text), row.progress, args, run);
  return run();
}

/** Runs one command line's words against any implementation of the API, printing its result as text or JSON. */
export async function runCommand(api: SupervisorApi, commandTerminal: Terminal, commandLine: readonly string[]): Promise<ExitStatus> {
  let terminal = commandTerminal;
  try {
    const [name, ...rest] = commandLine;
    if (name === undefined) return 0;
    const row = findCommand(name);
    if (!row) throw new UsageError(`unknown command: ${name} (try help)`);
    const words = splitCommandWords(row, rest);
    // `--json` anywhere on the line, in the shell too.
    if (words.json && !terminal.json) terminal = { ...terminal, json: true, colour: false };
    const result = await execute(api, terminal, row, words);
    if (result.kind === 'top') return (await import('./top/top-command.js')).topCommand(api, terminal);
    const raw = result.kind === 'attach' && result.process.tty === true ? ((await terminal.rawTerminal?.()) ?? null) : null;
    if (raw && result.kind === 'attach') {
      await (await import('./terminal-attach.js')).attachRawTerminal(api, raw, result.process);
      return 0;
    }
    // The attach notice goes to stderr, so it is shown with --json too.
    if (terminal.json && result.kind === 'attach') terminal.writeError(formatResultText(result, false).stderr);
    if (terminal.json) {
      terminal.write(formatResultJson(result));
      if (result.kind === 'status') for (const name of result.missing) terminal.writeError(`${name}: ERROR (no such process)\n`);
    } else {
      const printed = formatResultText(result, terminal.colour);
      if (printed.stdout) terminal.write(printed.stdout);
      if (printed.stderr) terminal.writeError(printed.stderr);
    }
    if (result.kind === 'tail' && result.follow) await follow(api, terminal, result.source);
    if (result.kind === 'attach' && terminal.attach) await attach(api, terminal, result.process, terminal.attach);
    return exitStatusOf(result);
  } catch (error) {
    if (error instanceof UsageError) {
      terminal.writeError(`${error.message}\n`);
      return 2;
    }
    if (error instanceof TaskmasterError) {
      if (terminal.json) terminal.write(`${JSON.stringify({ code: error.code, message: error.message, details: error.details ?? null })}\n`);
      else terminal.writeError(`ERROR: ${error.message}\n`);
      // supervisorctl's codes: a status it cannot know is 4, a supervisor or process not running 7.
      if (error.code === 'E_NO_SUPERVISOR') return commandLine[0] === 'status' ? 4 : 7;
      return error.code === 'E_NOT_RUNNING' ? 7 : 1;
    }
    throw error;
  }
}
