import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { descendantsOf, isAlive, killQuietly } from './proc.js';
import { sleepMs, withTimeout } from './deadline.js';
import { killCommandsInFlight } from './run-command.js';

type Closer = () => Promise<void>;

/**
 * Everything the benchmark started, so that it can all be stopped by pid and removed,
 * on success, on error and on Ctrl-C alike.
 */
export class Cleanup {
  private readonly closers: { what: string; close: Closer }[] = [];
  private readonly rootPids = new Set<number>();
  private readonly knownPids = new Set<number>();
  private readonly tempDirs = new Set<string>();

  /** A process the benchmark spawned; it and its descendants are killed at the end. */
  trackPid(pid: number): void {
    this.rootPids.add(pid);
    this.knownPids.add(pid);
  }

  /** Remembers a tree's current members, so grandchildren re-parented to init are still found by pid. */
  rememberTree(rootPid: number): void {
    for (const pid of descendantsOf(rootPid)) this.knownPids.add(pid);
  }

  /** A fresh temp dir, removed at the end. */
  async makeTempDir(prefix: string): Promise<string> {
    const path = await mkdtemp(join(tmpdir(), `tm-bench-${prefix}-`));
    this.tempDirs.add(path);
    return path;
  }

  /** A graceful shutdown step (e.g. `pm2 kill`), run before the pid sweep, newest first. */
  onClose(what: string, close: Closer): void {
    this.closers.push({ what, close });
  }

  /**
   * Starts a supervisor in the foreground with its output in `logFile`, and registers its
   * shutdown: SIGTERM, then a wait of up to `exitTimeoutMs` for it to exit. Returns its pid
   * and that shutdown, to close it earlier than the end of the run.
   */
  launchSupervisor(what: string, command: string, args: readonly string[], logFile: string, exitTimeoutMs: number): { pid: number; close: Closer } {
    const logFd = openSync(logFile, 'a');
    const child = spawn(command, args, { stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${what} did not start`);
    this.trackPid(pid);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const close = async (): Promise<void> => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      this.rememberTree(pid);
      child.kill('SIGTERM');
      await withTimeout(exited, exitTimeoutMs, `${what} to exit`);
    };
    this.onClose(what, close);
    return { pid, close };
  }

  /** Closes in reverse order, then SIGKILLs every remembered pid still alive, then removes the temp dirs. */
  async runAll(): Promise<string[]> {
    const problems: string[] = [];
    // A CLI call cut off by an interruption would otherwise outlive the run.
    for (const pid of killCommandsInFlight()) this.knownPids.add(pid);
    for (const root of this.rootPids) if (isAlive(root)) this.rememberTree(root);
    for (const { what, close } of this.closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        problems.push(`${what}: ${(error as Error).message}`);
      }
    }
    for (const root of this.rootPids) if (isAlive(root)) this.rememberTree(root);
    let leftovers = [...this.knownPids].filter(isAlive);
    for (const pid of leftovers) killQuietly(pid, 'SIGKILL');
    for (let attempt = 0; attempt < 50 && leftovers.length > 0; attempt += 1) {
      await sleepMs(20);
      leftovers = leftovers.filter(isAlive);
    }
    if (leftovers.length > 0) problems.push(`still alive after SIGKILL: ${leftovers.slice(0, 10).join(', ')}`);
    for (const dir of this.tempDirs) await rm(dir, { recursive: true, force: true });
    this.rootPids.clear();
    this.knownPids.clear();
    this.tempDirs.clear();
    return problems;
  }
}
