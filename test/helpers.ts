import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, type TestContext } from 'node:test';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ApiClient } from '../src/control/api-client.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Compiled tests live in dist/test; the sources (fixtures, examples) at the repository root. */
export const repoRoot = join(here, '..', '..');
export const fixtures = join(repoRoot, 'test', 'fixtures');
export const taskmasterBin = join(here, '..', 'src', 'cli', 'taskmaster.js');
/** taskmasterctl as installed: the bundle of its ES modules (scripts/bundle-ctl.mjs), remade when tsc has written them since. */
export const taskmasterctlBin = join(here, '..', 'taskmasterctl.cjs');
const ctlModules = join(here, '..', 'src', 'cli', 'taskmasterctl.js');
if (!existsSync(taskmasterctlBin) || statSync(taskmasterctlBin).mtimeMs < statSync(ctlModules).mtimeMs) {
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'bundle-ctl.mjs')], { stdio: 'inherit' });
}

const tempDirs = new Set<string>();
// Whatever a test file made in the temporary folder goes when the file's process ends.
process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

export async function makeTempDir(prefix = 'tm-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Polls a condition until it holds or the deadline passes; the deadline only catches hangs. */
export async function waitFor<T>(condition: () => T | undefined | false | null | Promise<T | undefined | false | null>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** True while the process runs; a zombie (dead, not yet reaped by its new parent) counts as dead. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(command: string, args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish in time\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    // A child that exits without reading its input must not crash the test with EPIPE.
    child.stdin.on('error', () => {});
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export function ctl(socket: string, ...args: string[]): Promise<CommandResult> {
  return run(process.execPath, [taskmasterctlBin, '-s', socket, ...args], { env: { ...process.env, NO_COLOR: '1' } });
}

/** True when a supervisor answers on the socket; asked in-process, so a poll starts no Node process. */
export function answers(socket: string): Promise<boolean> {
  return new ApiClient(socket).version().then(() => true, () => false);
}

/** The status of every process, asked in-process over the socket: a poll costs a request, not a Node process. */
export async function statusOf(socket: string): Promise<StatusEntry[]>;
/** The status of one process, or undefined when there is none by that name. */
export async function statusOf(socket: string, name: string): Promise<StatusEntry | undefined>;
export async function statusOf(socket: string, name?: string): Promise<StatusEntry[] | StatusEntry | undefined> {
  const processes = (await new ApiClient(socket).status()) as unknown as StatusEntry[];
  return name === undefined ? processes : processes.find((process) => process.name === name);
}

/** The last lines of a process's output, read in-process over the socket. */
export function tailOf(socket: string, name: string, lines = 100, stream: 'stdout' | 'stderr' = 'stdout'): Promise<string> {
  return new ApiClient(socket).tail({ kind: 'process', name, stream }, lines);
}

export interface StatusEntry {
  name: string;
  group: string;
  state: string;
  pid: number | null;
  exitCode: number | null;
  signal: string | null;
  uptime: number;
  description: string;
  spawnError: string | null;
  port: number | null;
  health: string | null;
  nextRunAt: number | null;
}

/** A real taskmaster in a temporary folder, without its shell, driven through taskmasterctl. */
export class RunningTaskmaster {
  readonly socket: string;
  readonly logFile: string;
  stderr = '';
  stdout = '';
  private exited: Promise<number | null>;

  private constructor(
    readonly dir: string,
    readonly configFile: string,
    readonly child: ChildProcess,
  ) {
    this.socket = join(dir, 'tm.sock');
    this.logFile = join(dir, 'taskmaster.log');
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
    child.stdout?.setEncoding('utf8').on('data', (text: string) => (this.stdout += text));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Writes the YAML (socket and logfile are added) and waits until the socket answers. */
  static async start(configBody: string, dir?: string, env?: NodeJS.ProcessEnv): Promise<RunningTaskmaster> {
    const folder = dir ?? (await makeTempDir());
    const configFile = join(folder, 'taskmaster.yaml');
    await writeFile(configFile, configBody);
    const child = spawn(process.execPath, [taskmasterBin, '-c', configFile, '--no-shell', '-s', join(folder, 'tm.sock'), '-l', join(folder, 'taskmaster.log')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: folder,
      env: env ?? process.env,
    });
    const taskmaster = new RunningTaskmaster(folder, configFile, child);
    await waitFor(async () => (await answers(taskmaster.socket)) || taskmaster.child.exitCode !== null, 'taskmaster to listen');
    if (child.exitCode !== null) throw new Error(`taskmaster exited at start: ${taskmaster.stderr}`);
    return taskmaster;
  }

  /** Through the API client in this process; tests of taskmasterctl itself call `ctl`. */
  status(): Promise<StatusEntry[]> {
    return statusOf(this.socket);
  }

  async process(name: string): Promise<StatusEntry> {
    const entry = (await this.status()).find((process) => process.name === name);
    if (!entry) throw new Error(`no process ${name}`);
    return entry;
  }

  waitForState(name: string, state: string, timeoutMs = 15_000): Promise<StatusEntry> {
    return waitFor(async () => {
      const entry = (await this.status()).find((process) => process.name === name);
      return entry?.state === state ? entry : undefined;
    }, `${name} to be ${state}`, timeoutMs);
  }

  /** Waits until the process runs again under a pid other than `oldPid`. */
  waitForRestart(name: string, oldPid: number | null, timeoutMs = 15_000): Promise<StatusEntry> {
    return waitFor(async () => {
      const entry = (await this.status()).find((process) => process.name === name);
      return entry?.state === 'RUNNING' && entry.pid !== oldPid ? entry : undefined;
    }, `${name} to run again with a new pid`, timeoutMs);
  }

  async log(): Promise<string> {
    return readFile(this.logFile, 'utf8').catch(() => '');
  }

  waitForLog(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    return waitFor(async () => {
      const text = await this.log();
      return pattern.test(text) ? text : undefined;
    }, `log line matching ${pattern}`, timeoutMs);
  }

  async rewriteConfig(configBody: string): Promise<void> {
    await writeFile(this.configFile, configBody);
  }

  /** SIGTERM, then wait for a clean exit; returns the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    const code = await this.exited;
    await rm(this.dir, { recursive: true, force: true });
    return code;
  }

  /** Starts one and stops it when the test ends, passed or failed. */
  static async startFor(t: TestContext, configBody: string, dir?: string): Promise<RunningTaskmaster> {
    const taskmaster = await RunningTaskmaster.start(configBody, dir);
    t.after(() => taskmaster.stop());
    return taskmaster;
  }

  waitForExit(): Promise<number | null> {
    return this.exited;
  }
}

/**
 * Kills, by pid, every process whose environment names a control socket inside `dir`: what
 * the supervisors a test started in that folder left behind (a daemon that escaped them).
 */
export function killProcessesOfSocketsIn(dir: string): number[] {
  const marker = Buffer.from(`TASKMASTER_SOCKET=${dir}/`);
  const killed: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`).includes(marker)) continue;
      process.kill(Number(entry), 'SIGKILL');
      killed.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return killed;
}

/** A TCP port on loopback that was free a moment ago (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Temporary folders whose supervisors' escaped daemons are killed after the file's tests:
 * a daemon caught mid-setsid can appear a moment after its parent died, so the sweep runs until quiet, bounded.
 */
export function sweptTempDirs(): () => Promise<string> {
  const dirs: string[] = [];
  after(async () => {
    for (let sweep = 0, quiet = 0; sweep < 30 && quiet < 3; sweep += 1) {
      const killed = dirs.flatMap((dir) => killProcessesOfSocketsIn(dir));
      quiet = killed.length === 0 ? quiet + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  return async () => {
    const dir = await makeTempDir();
    dirs.push(dir);
    return dir;
  };
}
