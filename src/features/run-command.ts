import { spawn } from 'node:child_process';
import { splitShellWords } from '../config/shell-words.js';

export interface CommandOutcome {
  readonly ok: boolean;
  /** How it ended: `exit status 1`, `timed out after 5s`, or why it could not start. */
  readonly summary: string;
  /** The last few hundred bytes of its output, for the log. */
  readonly output: string;
}

const keptOutputBytes = 2048;

/** Runs a short command (hook, probe) without a shell, killing its group if it runs too long. */
export function runCommand(cmd: string, options: { env: NodeJS.ProcessEnv; cwd?: string | undefined; timeoutMs: number }): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    let argv: string[];
    try {
      argv = splitShellWords(cmd);
    } catch (error) {
      resolve({ ok: false, summary: (error as Error).message, output: '' });
      return;
    }
    const [command, ...args] = argv;
    if (!command) {
      resolve({ ok: false, summary: 'empty command', output: '' });
      return;
    }
    let output = '';
    let timedOut = false;
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-keptOutputBytes);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, options.timeoutMs);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, summary: `cannot run ${command}: ${error.code ?? error.message}`, output });
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      if (timedOut) resolve({ ok: false, summary: `timed out after ${options.timeoutMs / 1000}s`, output });
      else if (signal) resolve({ ok: false, summary: `terminated by ${signal}`, output });
      else resolve({ ok: exitCode === 0, summary: `exit status ${exitCode}`, output });
    });
  });
}
