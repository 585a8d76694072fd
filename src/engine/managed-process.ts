import { performance } from 'node:perf_hooks';
import type { ProgramConfig } from '../config/types.js';
import { fullNameFor, processNameFor } from '../config/process-names.js';
import { ProcessOutput, type OutputHost } from './process-output.js';
import type { ProcessInfo } from '../contracts/process-info.js';
import { exitReasonOf, failedByExit, failureOf, logLastOutput } from './failure-report.js';
import { runResultOf, type ProcessExtensions } from './process-extensions.js';
import { describeProcess } from './describe-process.js';
import { ProcessTimers, timerEvents } from './process-timers.js';
import { EscapedDescendants } from './escaped-descendants.js';
import { killQuietly, sendSignal } from './send-signal.js';
import type { ChildHandle, TerminalSession } from './child-handle.js';
import { childEnvironment, spawnChild, spawnFailure, type InheritedSocket, type SpawnRequest } from './spawn-child.js';
import { initialSnapshot, transition, type Effect, type ProcessEvent, type ProcessSnapshot, type ProcessState, type Transition } from './state-machine.js';

/** What a process needs from the supervisor that owns it. */
export interface ProcessHost extends OutputHost {
  readonly configDir: string;
  readonly socketPath: string;
  readonly extensions: ProcessExtensions;
  mayRestart(): boolean;
  onStateChange(process: ManagedProcess, previous: ProcessState): void;
}

/** The adapter around one process's state machine: it carries out the machine's effects. */
export class ManagedProcess {
  program: ProgramConfig;
  readonly index: number;
  private current: ProcessSnapshot;
  private child: ChildHandle | null = null;
  /** The viewers of the current run of a `tty: true` process (null on pipes); the session ends with its run. */
  terminal: TerminalSession | null = null;
  private lastPid: number | null = null;
  private startedAtMs: number | null = null;
  /** Monotonic time of the spawn, for how long a run lasted (crash loops). */
  private spawnedAtTick = 0;
  private stoppedAtMs: number | null = null;
  private readonly timers = new ProcessTimers();
  private readonly escaped = new EscapedDescendants();
  private readonly queue: ProcessEvent[] = [];
  private dispatching = false;
  private readonly watchers = new Set<(snapshot: ProcessSnapshot) => void>();
  /** The port a feature gave this process, for its environment and `{port}`. */
  port: number | null = null;
  /** What features prepared for its spawns: the listening sockets they hold, a NOTIFY_SOCKET its user can reach. */
  prepared: { sockets: readonly InheritedSocket[]; notifySocket: string | null } = { sockets: [], notifySocket: null };
  private spawnAttempt = 0;
  /** Where its output goes, and what of it is kept for tail. */
  readonly output: ProcessOutput;

  constructor(
    program: ProgramConfig,
    index: number,
    private readonly host: ProcessHost,
  ) {
    this.program = program;
    this.index = index;
    this.current = initialSnapshot(this.fullName);
    this.output = new ProcessOutput(host, () => this);
  }

  get processName(): string {
    return processNameFor(this.program, this.index);
  }

  /** The pid of the last spawn, also once it has exited (its pid file holds it). */
  get spawnedPid(): number | null {
    return this.lastPid;
  }

  get fullName(): string {
    return fullNameFor(this.program, this.index);
  }

  get snapshot(): ProcessSnapshot {
    return this.current;
  }

  get state(): ProcessState {
    return this.current.state;
  }

  get stdin(): ChildHandle['stdin'] {
    return this.child?.stdin ?? null;
  }

  /** Keeps log lines right after a numprocs change renamed this process. */
  refreshName(): void {
    this.current = { ...this.current, name: this.fullName };
  }

  /** Feeds one event to the state machine; events raised while acting are queued, so effects never interleave. */
  dispatch(event: ProcessEvent): Transition {
    if (this.dispatching) {
      this.queue.push(event);
      return { accepted: false, reason: 'IGNORED' };
    }
    this.dispatching = true;
    try {
      const result = this.step(event);
      for (let next = this.queue.shift(); next; next = this.queue.shift()) this.step(next);
      return result;
    } finally {
      this.dispatching = false;
    }
  }

  private step(event: ProcessEvent): Transition {
    const result = transition(this.current, event, this.program);
    if (!result.accepted) return result;
    const previous = this.current.state;
    const previousPid = this.current.pid;
    this.current = result.snapshot;
    for (const effect of result.effects) this.apply(effect);
    // A new pid is news too: STARTING is announced again once the process has one.
    if (previous !== this.current.state || previousPid !== this.current.pid) {
      if (this.current.state !== 'STARTING' && this.current.state !== 'RUNNING' && this.current.state !== 'STOPPING') {
        this.stoppedAtMs = Date.now();
      }
      this.host.onStateChange(this, previous);
    }
    for (const watcher of this.watchers) watcher(this.current);
    return result;
  }

  private apply(effect: Effect): void {
    switch (effect.type) {
      case 'spawn':
        this.spawn();
        return;
      case 'startTimer': {
        const timerName = effect.timer;
        this.timers.start(timerName, effect.ms, () => {
          // No retry while the supervisor shuts down: the process stays in BACKOFF until its stop.
          if (timerName === 'backoff' && !this.host.mayRestart()) return;
          // The ready deadline carries the last probe error, so the failure says why.
          this.dispatch(timerName === 'ready' ? { type: 'readyDeadlineElapsed', detail: this.host.extensions.readyDetail(this) } : timerEvents[timerName]);
        });
        return;
      }
      case 'clearTimers':
        this.timers.clearAll();
        this.host.extensions.stopReady(this);
        return;
      case 'probeReady':
        this.host.extensions.startReady(this, () => {
          if (this.current.state === 'STARTING') this.dispatch({ type: 'readyPassed' });
        });
        return;
      case 'signal':
        if (this.current.pid === null) return;
        // Found before the group signal: once their parent dies they are re-parented and lost.
        if (effect.group) this.escaped.signal(this.current.pid, effect.signal);
        sendSignal(this.current.pid, effect.signal, effect.group);
        return;
      case 'reapGroup':
        // Whatever the process left in its group (or took out of it) would become an orphan nobody supervises.
        if (this.program.killAsGroup && this.lastPid !== null) killQuietly(-this.lastPid, 'SIGKILL');
        if (this.program.killAsGroup) this.escaped.killRemaining();
        return;
      case 'log':
        this.host.log.write(effect.level, effect.message, {
          event: effect.event,
          process: this.fullName,
          pid: this.current.pid ?? this.lastPid,
          ...(effect.fields ? { fields: effect.fields } : {}),
        });
        return;
      case 'restart':
        if (this.host.mayRestart()) this.queue.push({ type: 'start' });
        return;
    }
  }

  /** Sends a user's signal to the running process (and its group when stopasgroup is set). */
  signal(signal: NodeJS.Signals): boolean {
    if (this.current.pid === null) return false;
    sendSignal(this.current.pid, signal, this.program.stopAsGroup);
    return true;
  }

  /** The environment a hook or probe of this process runs with. */
  environment(): NodeJS.ProcessEnv {
    return childEnvironment(this.program, this.processName, this.port);
  }

  private spawn(): void {
    const attempt = ++this.spawnAttempt;
    if (!this.host.extensions.needsPreparation(this)) {
      const event = this.spawnNow();
      if (event) this.queue.push(event);
      return;
    }
    // A port to check or a prestart hook to run: spawn once they are done, if still wanted.
    const stillWanted = (): boolean => attempt === this.spawnAttempt && this.current.state === 'STARTING';
    this.host.extensions.beforeSpawn(this).then(
      () => {
        if (!stillWanted()) return;
        const event = this.spawnNow();
        if (event) this.dispatch(event);
      },
      (error: Error) => {
        if (stillWanted()) this.dispatch({ type: 'spawnFailed', reason: error.message });
      },
    );
  }

  /** Starts the child; returns the event that reports how it went, or null when that comes later. */
  private spawnNow(): ProcessEvent | null {
    // An event listener's stdout carries its protocol to a feature, not to a file.
    const stdoutChannel = this.host.extensions.stdoutChannel(this);
    const request: SpawnRequest = {
      program: this.program,
      processName: this.processName,
      configDir: this.host.configDir,
      port: this.port,
      supervisorSocket: this.host.socketPath,
      ...this.prepared,
    };
    const terminals = this.program.tty ? this.host.extensions.terminals() : null;
    const result = terminals ? terminals.spawn(request) : spawnChild(request);
    if (!result.ok) return { type: 'spawnFailed', reason: result.reason, transient: result.transient };
    if (result.warning !== null) this.host.log.warn(result.warning, { event: 'spawn_warning', process: this.fullName });
    const child: ChildHandle = result.child;
    child.stdin?.on('error', () => {});
    if (child.pid === undefined) {
      child.once('error', (error: NodeJS.ErrnoException) => this.dispatch({ type: 'spawnFailed', ...spawnFailure(this.program.argv[0] ?? '', error) }));
      return null;
    }
    child.on('error', () => {});
    this.child = child;
    this.lastPid = child.pid;
    this.startedAtMs = Date.now();
    this.spawnedAtTick = performance.now();
    this.host.extensions.afterSpawn(this, this.startedAtMs);
    this.terminal = terminals && 'resize' in result.child ? terminals.open(result.child, this.output, this.output.resolve('stdout').kind === 'discard', this.fullName) : null;
    if (stdoutChannel && child.stdout) stdoutChannel(child.stdout);
    const run = this.output.attach(stdoutChannel ? null : child.stdout, child.stderr);
    child.once('exit', (exitCode, signal) => {
      if (this.child === child) this.child = null;
      this.dispatch({ type: 'exited', exitCode, signal, runMs: performance.now() - this.spawnedAtTick });
      if (failedByExit(this.current)) void logLastOutput(this.host.log, this.fullName, child.pid ?? null, exitReasonOf(this.current)!, run);
      this.host.extensions.afterExit(this, { exitCode, signal, result: runResultOf(this.current), output: run });
    });
    return { type: 'spawned', pid: child.pid };
  }

  /** Resolves when the predicate holds for this process's snapshot. */
  waitFor(predicate: (snapshot: ProcessSnapshot) => boolean): Promise<ProcessSnapshot> {
    if (predicate(this.current)) return Promise.resolve(this.current);
    return new Promise((resolve) => {
      const watcher = (snapshot: ProcessSnapshot): void => {
        if (!predicate(snapshot)) return;
        this.watchers.delete(watcher);
        resolve(snapshot);
      };
      this.watchers.add(watcher);
    });
  }

  info(nowMs = Date.now()): ProcessInfo {
    const { state, pid, exitCode, signal, spawnError } = this.current;
    const failure = failureOf(this.current, this.output.lastRun);
    const uptime = pid !== null && this.startedAtMs !== null ? Math.floor((nowMs - this.startedAtMs) / 1000) : 0;
    const description = describeProcess({
      snapshot: this.current,
      uptimeSeconds: uptime,
      nowMs,
      hasReadyCheck: this.program.ready !== null,
      readyDetail: this.host.extensions.readyDetail(this),
      blockedReason: this.host.extensions.blockedReason(this),
      backoffDueMs: this.timers.backoffDueMs,
      startedAtMs: this.startedAtMs,
      stoppedAtMs: this.stoppedAtMs,
      failure,
    });
    const notes = this.host.extensions.statusNotes(this, nowMs);
    return {
      name: this.fullName,
      group: this.program.group,
      processName: this.processName,
      state,
      pid,
      exitCode,
      signal,
      uptime,
      description: [description, ...notes].filter((part) => part !== '').join(', '),
      spawnError,
      startedAt: this.startedAtMs,
      stoppedAt: this.stoppedAtMs,
      port: this.port,
      health: null,
      nextRunAt: null,
      lastRun: null,
      ...failure,
      tty: this.program.tty,
    };
  }
}
