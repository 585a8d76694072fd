import { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { constants } from 'node:os';
import { readProcessTable, readProcStat } from './proc-table.js';

/** The native addon built from native/reaper.cc. */
export interface ReaperAddon {
  setChildSubreaper(): boolean;
  reapPid(pid: number): { exitCode: number | null; signal: number | null } | null;
}

/** Compiled to dist/src/engine/; node-gyp builds to build/Release/ at the repository root. */
export const reaperAddonPath = fileURLToPath(new URL('../../../build/Release/taskmaster_reaper.node', import.meta.url));

/** The addon, or why it cannot be loaded (the path is a parameter so its error path can be tested). */
export function loadReaperAddon(path = reaperAddonPath): { addon: ReaperAddon } | { error: string } {
  try {
    return { addon: createRequire(import.meta.url)(path) as ReaperAddon };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0] ?? 'cannot load' };
  }
}

/** Pids Node's child_process spawned and still waits for: libuv would lose their exit if we reaped them. */
const nodeChildren = new Set<number>();
let spawnWrapped = false;

/** Records every pid child_process spawns, from now on; must run before the first spawn. */
export function trackNodeChildren(): void {
  if (spawnWrapped) return;
  spawnWrapped = true;
  const prototype = ChildProcess.prototype as unknown as { spawn(this: ChildProcess, options: unknown): unknown };
  const originalSpawn = prototype.spawn;
  prototype.spawn = function spawnTracked(this: ChildProcess, options: unknown): unknown {
    const result = originalSpawn.call(this, options);
    const pid = this.pid;
    if (pid !== undefined) {
      nodeChildren.add(pid);
      this.once('exit', () => nodeChildren.delete(pid));
    }
    return result;
  };
}

/** A child forked by something other than child_process (a terminal spawner) that waits for it itself. */
export function trackOwnChild(pid: number, child: { once(event: 'exit', listener: () => void): unknown }): void {
  nodeChildren.add(pid);
  child.once('exit', () => nodeChildren.delete(pid));
}

/** Our children: every thread's list, or a scan of /proc where the kernel lacks those lists. */
function ownChildren(): number[] {
  try {
    const pids: number[] = [];
    for (const thread of readdirSync('/proc/self/task')) {
      for (const word of readFileSync(`/proc/self/task/${thread}/children`, 'utf8').split(' ')) if (word !== '') pids.push(Number(word));
    }
    return pids;
  } catch {
    return [...readProcessTable().values()].filter((stat) => stat.ppid === process.pid).map((stat) => stat.pid);
  }
}

const killGraceMs = 2_000;
const signalNames = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name]));

export interface ReaperLog {
  write(level: 'debug' | 'info', message: string, fields?: { event?: string }): void;
}

/**
 * Waits for the children Node did not spawn: orphans re-parented to us as PID 1 or as a
 * subreaper. Sweeps on SIGCHLD (once per turn) and every `sweepIntervalMs`.
 */
export class ChildReaper {
  private scheduled = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onSigchld = (): void => this.schedule();
  private readonly known = new Set<number>();
  reaped = 0;
  /** Told whenever the set of adopted processes changes, so the leftover record can hold them. */
  onAdoptedChange: ((pids: readonly number[]) => void) | null = null;

  constructor(
    private readonly addon: ReaperAddon,
    private readonly log: ReaperLog,
    sweepIntervalMs = 2_000,
  ) {
    trackNodeChildren();
    process.on('SIGCHLD', this.onSigchld);
    this.timer = setInterval(() => this.sweep(), sweepIntervalMs);
    this.timer.unref();
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.sweep();
    });
  }

  /** Reaps every zombie child that is not Node's; returns the adopted children still running. */
  sweep(): number[] {
    const adopted: number[] = [];
    let changed = false;
    for (const pid of ownChildren()) {
      if (nodeChildren.has(pid)) continue;
      const stat = readProcStat(pid);
      if (stat === null) continue;
      if (stat.state !== 'Z') {
        adopted.push(pid);
        if (!this.known.has(pid)) {
          changed = true;
          this.known.add(pid);
          this.log.write('info', `adopted pid ${pid}, an orphan of one of our programs' processes`, { event: 'orphan_adopted' });
        }
        continue;
      }
      const status = this.addon.reapPid(pid);
      if (status === null) continue;
      this.reaped += 1;
      changed = this.known.delete(pid) || changed;
      const how = status.signal === null ? `exit status ${status.exitCode}` : `signal ${signalNames.get(status.signal) ?? status.signal}`;
      this.log.write('debug', `reaped orphan pid ${pid} (${how})`, { event: 'orphan_reaped' });
    }
    if (changed) this.onAdoptedChange?.(adopted);
    return adopted;
  }

  /** Adopted processes outlive no supervisor: SIGTERM, then SIGKILL after `graceMs`, each reaped. */
  async stopAdopted(graceMs: number): Promise<void> {
    const deadlineMs = Date.now() + graceMs;
    const signalled = new Map<number, NodeJS.Signals>();
    for (let adopted = this.sweep(); adopted.length > 0 && Date.now() < deadlineMs + killGraceMs; adopted = this.sweep()) {
      const signal: NodeJS.Signals = Date.now() >= deadlineMs ? 'SIGKILL' : 'SIGTERM';
      for (const pid of adopted) {
        if (signalled.get(pid) === signal) continue;
        signalled.set(pid, signal);
        try {
          process.kill(pid, signal);
        } catch {
          // Exited meanwhile.
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  close(): void {
    clearInterval(this.timer);
    process.off('SIGCHLD', this.onSigchld);
  }
}

/**
 * Starts reaping when taskmaster is PID 1 (a container's init) or asked to be a subreaper.
 * Without the addon it warns, saying what to do, and runs as before.
 */
export function startChildReaper(subreaper: boolean, log: ReaperLog & { warn(message: string): void }): ChildReaper | null {
  const isInit = process.pid === 1;
  if (!isInit && !subreaper) return null;
  const loaded = loadReaperAddon();
  const role = isInit ? 'runs as PID 1' : 'was asked to be a subreaper (--subreaper)';
  if ('error' in loaded) {
    const warning = `taskmaster ${role} but cannot load its reaper addon ${reaperAddonPath} (${loaded.error}): orphaned processes will stay zombies. Rebuild it with \`npm rebuild\` in the taskmaster folder (needs python3, make and g++), or run taskmaster under an init such as \`docker run --init\`.`;
    process.stderr.write(`taskmaster: warning: ${warning}\n`);
    log.warn(warning);
    return null;
  }
  if (!isInit) {
    try {
      loaded.addon.setChildSubreaper();
    } catch (error) {
      const warning = `cannot become a subreaper: ${(error as Error).message}; double-forked daemons will go to init`;
      process.stderr.write(`taskmaster: warning: ${warning}\n`);
      log.warn(warning);
      return null;
    }
  }
  return new ChildReaper(loaded.addon, log);
}
