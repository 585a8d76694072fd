import type { EventLog } from '../engine/event-log.js';
import type { ManagedProcess } from '../engine/managed-process.js';
import { DependencyGate, type DependencyVerdict, type DependencyView } from './dependency-wait.js';
import type { Health } from './health-monitor.js';

/** What the gates need from the supervisor. */
export interface GatesHost {
  readonly log: EventLog;
  isShuttingDown(): boolean;
  processesOf(programName: string): readonly ManagedProcess[];
  healthOf(process: ManagedProcess): Health | null;
  /** True while a monitor restarts the process: STOPPED for a moment, a start on its way. */
  isRestarting(process: ManagedProcess): boolean;
  /** Starts a dependency the way a user's start would (through its own gate if it has dependencies). */
  start(process: ManagedProcess): void;
}

/** The processes waiting for their depends_on, one gate each; a gate that is met starts its process. */
export class DependencyGates {
  private readonly gates = new Map<ManagedProcess, DependencyGate>();
  private readonly changeWaiters = new Set<() => void>();
  /** What each waiting process waits for, for its status. */
  private readonly reasons = new WeakMap<ManagedProcess, string>();
  private readonly view: DependencyView;

  constructor(private readonly host: GatesHost) {
    this.view = {
      processesOf: (name) => host.processesOf(name),
      healthOf: (process) => host.healthOf(process),
      startPending: (process) => this.gates.has(process) || host.isRestarting(process),
      startProgram: (name) => {
        for (const process of host.processesOf(name)) host.start(process);
      },
      nextChange: (signal) => this.nextChange(signal),
    };
  }

  /** Called at every state or health change of any process: every gate looks again. */
  notifyChange(): void {
    const waiters = [...this.changeWaiters];
    this.changeWaiters.clear();
    for (const waiter of waiters) waiter();
  }

  gateFor(process: ManagedProcess): DependencyGate {
    const existing = this.gates.get(process);
    if (existing) return existing;
    const gate = new DependencyGate(process.program.dependsOn, this.view, (verdict, previous) => this.report(process, verdict, previous));
    this.gates.set(process, gate);
    void gate.done.then((met) => {
      if (this.gates.get(process) === gate) this.gates.delete(process);
      this.reasons.delete(process);
      if (met && !this.host.isShuttingDown()) process.dispatch({ type: 'start' });
    });
    return gate;
  }

  /** Cancels the wait of a process that is stopped by hand; its status no longer says it waits. */
  cancel(process: ManagedProcess): void {
    this.gates.get(process)?.cancel();
    this.reasons.delete(process);
  }

  reasonOf(process: ManagedProcess): string | null {
    return this.reasons.get(process) ?? null;
  }

  cancelAll(): void {
    for (const gate of this.gates.values()) gate.cancel();
  }

  private nextChange(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const wake = (): void => {
        this.changeWaiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.changeWaiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  private report(process: ManagedProcess, verdict: DependencyVerdict, previous: DependencyVerdict): void {
    const meta = { process: process.fullName };
    if (verdict.kind === 'met') {
      this.reasons.delete(process);
      // Quiet when the conditions held from the first look.
      if (previous.kind !== 'waiting' || previous.text !== '') this.host.log.info(`dependencies met: starting ${process.fullName}`, { event: 'dependency_met', ...meta });
      return;
    }
    this.reasons.set(process, verdict.text);
    if (verdict.kind === 'blocked') this.host.log.warn(`not starting ${process.fullName}: ${verdict.text}`, { event: 'dependency_failed', ...meta });
    else if (verdict.kind !== previous.kind) this.host.log.info(`${process.fullName} is ${verdict.text}`, { event: 'dependency_wait', ...meta });
  }
}
