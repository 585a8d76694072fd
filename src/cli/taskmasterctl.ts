#!/usr/bin/env node
import { defaultSocketPath } from '../config/default-socket.js';
import { ApiClient } from '../control/api-client.js';
import { parseCtlArguments } from './ctl-arguments.js';
import { ctlUsage } from './ctl-usage.js';
import { runCommand, type Terminal } from '../control/commands.js';
import { VERSION } from '../version.js';

// The config parser, the shell and readline load only when used: a one-shot command starts faster.

async function main(): Promise<number> {
  let options;
  try {
    options = parseCtlArguments(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`taskmasterctl: ${(error as Error).message}\n${ctlUsage()}\n`);
    return 2;
  }
  const positionals = options.words;
  if (options.help) {
    process.stdout.write(`${ctlUsage()}\n`);
    return 0;
  }
  if (options.version) {
    process.stdout.write(`taskmasterctl ${VERSION}\n`);
    return 0;
  }
  let socketPath = options.socket ?? process.env['TASKMASTER_SOCKET'];
  if (!socketPath && options.config) {
    try {
      const { loadConfig } = await import('../config/load-config.js');
      socketPath = (await loadConfig(options.config)).socket;
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      return 2;
    }
  }
  const client = new ApiClient(socketPath ?? defaultSocketPath());
  if (positionals[0] === '_complete') return completeForScript(client, positionals.slice(1));
  if (positionals.length === 0) {
    const { runShell } = await import('../control/shell.js');
    await runShell(client, { inProcess: false });
    return 0;
  }
  const terminal: Terminal = {
    write: (text) => process.stdout.write(text),
    writeError: (text) => process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
    colour: process.stdout.isTTY === true && !process.env['NO_COLOR'] && !options.json,
    json: options.json === true,
    rawTerminal: async () => (await import('../control/raw-terminal.js')).openRawTerminal(process.stdin, process.stdout),
    attach: async (onLine) => {
      const { createInterface } = await import('node:readline');
      return new Promise<void>((release) => {
        // Ctrl-C, Ctrl-D or the end of piped input detaches. (process.stdin is made only here: it loads a dozen modules.)
        const rl = createInterface({ input: process.stdin, terminal: process.stdin.isTTY === true });
        rl.on('line', onLine);
        rl.on('SIGINT', () => rl.close());
        process.once('SIGINT', () => rl.close());
        rl.on('close', () => release());
      });
    },
  };
  return runCommand(client, terminal, positionals);
}

/**
 * `_complete -- LINE`, called by the completion scripts: the candidates for LINE's last word, one
 * a line; the -s or -c typed on LINE say which supervisor to ask for process names.
 */
async function completeForScript(client: ApiClient, args: readonly string[]): Promise<number> {
  const line = args[0] === '--' ? (args[1] ?? '') : (args[0] ?? '');
  const typed = line.replace(/^\s*\S+/, '').split(/[ \t]+/);
  if (typed[0] === '') typed.shift();
  let words: readonly string[] = typed.length === 0 ? [''] : typed;
  let api = client;
  try {
    const parsed = parseCtlArguments(words.slice(0, -1));
    words = [...parsed.words, words[words.length - 1]!];
    if (parsed.socket) api = new ApiClient(parsed.socket);
    else if (parsed.config) api = new ApiClient((await (await import('../config/load-config.js')).loadConfig(parsed.config)).socket);
  } catch {
    // A half-typed line still completes, from the default supervisor.
  }
  const { completeCommandLine } = await import('../control/complete-words.js');
  const candidates = await completeCommandLine(api, words);
  process.stdout.write(candidates.map((candidate) => `${candidate}\n`).join(''));
  return 0;
}

main().then(
  (code) => {
    // Exit once stdout is flushed: a pipe is written asynchronously, and a long status must arrive whole.
    process.stdout.write('', () => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(`taskmasterctl: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
