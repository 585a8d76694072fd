import { spawn } from 'node:child_process';
import { splitShellWords } from '../config/shell-words.js';
import { execAs, type ExecAs } from '../engine/privilege-drop.js';
import { lookupUser, type UserEntry } from '../engine/user-lookup.js';

export interface CommandOutcome {
  readonly ok: boolean;
  /** How it ended: `exit status 1`, `timed out after 5s`, or why it could not start. */
  readonly summary: string;
  /** The last few hundred bytes of its output, for the log. */
  readonly output: string;
}

const keptOutputBytes = 2048;

/** Runs a short command (hook, probe) without a shell, killing its group if it runs too long. */
export interface RunCommandOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string | undefined;
  readonly timeoutMs: number;
  /** The program's `user:`: its hooks and probes run as that user too, never as root. */
  readonly user?: string | null | undefined;
  /** Written to its stdin, which is closed after it; without it stdin is /dev/null. */
  readonly input?: string;
}

/** The command as the program's user (setpriv with its groups), or as is without one. */
function asUser(command: string, args: readonly string[], options: RunCommandOptions): { exec: ExecAs; env: NodeJS.ProcessEnv } | { reason: string } {
  if (!options.user) return { exec: { file: command, args, warning: null }, env: options.env };
  let user: UserEntry | undefined;
  try {
    user = lookupUser(options.user);
  } catch (error) {
    return { reason: `cannot read /etc/passwd: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  if (!user) return { reason: `couldn't setuid to ${options.user}: no such user` };
  return { exec: execAs(user, command, args), env: { ...options.env, HOME: user.home, USER: user.name, LOGNAME: user.name } };
}

export function runCommand(cmd: string, options: RunCommandOptions): Promise<CommandOutcome> {
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
    const target = asUser(command, args, options);
    if ('reason' in target) {
      resolve({ ok: false, summary: target.reason, output: '' });
      return;
    }
    const { exec, env } = target;
    let output = '';
    let timedOut = false;
    const ids = { ...(exec.uid === undefined ? {} : { uid: exec.uid }), ...(exec.gid === undefined ? {} : { gid: exec.gid }) };
    const child = spawn(exec.file, exec.args, { env, cwd: options.cwd, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], detached: true, ...ids });
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-keptOutputBytes);
    };
    if (child.stdin) {
      // A command that does not read its input must not fail on EPIPE.
      child.stdin.on('error', () => {});
      child.stdin.end(options.input);
    }
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
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
