#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { defaultSocketPath } from '../config/default-socket.js';
import { ApiClient } from '../control/api-client.js';
import { ctlUsage } from './ctl-usage.js';
import { runCommand, type Terminal } from '../control/commands.js';
import { VERSION } from '../version.js';

// The config parser, the shell and readline load only when used: a one-shot command starts faster.

const usage = ctlUsage();

const optionsWithValue = new Set(['-c', '--config', '-s', '--socket']);

/** Where the command starts: its own flags (`tail -n 5 -f`) are not taskmasterctl's options. */
function commandStart(argv: readonly string[]): number {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    if (arg === '--') return index;
    if (!arg.startsWith('-') || arg === '-') return index;
    if (optionsWithValue.has(arg)) index += 1;
  }
  return argv.length;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const split = commandStart(argv);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.slice(0, split),
      options: {
        config: { type: 'string', short: 'c' },
        socket: { type: 'string', short: 's' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (error) {
    process.stderr.write(`taskmasterctl: ${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  const { values: options } = parsed;
  const positionals = argv.slice(argv[split] === '--' ? split + 1 : split);
  if (options.help) {
    process.stdout.write(`${usage}\n`);
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
  if (positionals.length === 0) {
    const { runShell } = await import('../control/shell.js');
    await runShell(client, { inProcess: false });
    return 0;
  }
  const interactive = process.stdin.isTTY === true;
  const terminal: Terminal = {
    write: (text) => process.stdout.write(text),
    writeError: (text) => process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
    colour: process.stdout.isTTY === true && !process.env['NO_COLOR'],
    json: options.json === true,
    rawTerminal: async () => (await import('../control/raw-terminal.js')).openRawTerminal(process.stdin, process.stdout),
    attach: async (onLine) => {
      const { createInterface } = await import('node:readline');
      return new Promise<void>((release) => {
        // Ctrl-C, Ctrl-D or the end of piped input detaches.
        const rl = createInterface({ input: process.stdin, terminal: interactive });
        rl.on('line', onLine);
        rl.on('SIGINT', () => rl.close());
        process.once('SIGINT', () => rl.close());
        rl.on('close', () => release());
      });
    },
  };
  return runCommand(client, terminal, positionals);
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
