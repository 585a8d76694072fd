import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface CommandOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

/** Commands still running, so that an interrupted run can stop them too. */
const inFlight = new Set<number>();

/** SIGKILLs every command still running; returns their pids. */
export function killCommandsInFlight(): number[] {
  const pids = [...inFlight];
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  inFlight.clear();
  return pids;
}

export interface CommandOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

/** Runs a command to completion and times it from spawn to exit; a hang is killed and reported. */
export function runCommand(command: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandOutcome> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    if (pid !== undefined) inFlight.add(pid);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (error) => {
      if (pid !== undefined) inFlight.delete(pid);
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      if (pid !== undefined) inFlight.delete(pid);
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        wallMs: performance.now() - startedAt,
      });
    });
  });
}

/** Like runCommand, but an exit code outside `okCodes` is an error that shows the output. */
export async function runChecked(command: string, args: readonly string[], options: CommandOptions & { okCodes?: readonly number[] } = {}): Promise<CommandOutcome> {
  const outcome = await runCommand(command, args, options);
  if (!(options.okCodes ?? [0]).includes(outcome.code ?? -1)) {
    throw new Error(`${command} ${args.join(' ')} exited ${outcome.code}: ${(outcome.stderr || outcome.stdout).slice(-800)}`);
  }
  return outcome;
}

/** POSIX single quoting, understood by sh, Python's shlex (supervisord) and Taskmaster's parser. */
export function shellQuote(words: readonly string[]): string {
  return words.map((word) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)).join(' ');
}
