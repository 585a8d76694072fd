import type { Dependency } from '../config/types.js';
import type { ManagedProcess } from '../engine/managed-process.js';
import { describeExit } from '../engine/state-machine.js';
import type { Health } from './health-monitor.js';

export interface DependencyView {
  processesOf(programName: string): readonly ManagedProcess[];
  healthOf(process: ManagedProcess): Health | null;
  /** True while a start of the process is on its way (it waits for its own dependencies, or restarts). */
  startPending(process: ManagedProcess): boolean;
  /** Starts the dependency (and what it needs in turn) without waiting for it. */
  startProgram(programName: string): void;
  /** Resolves at the next state or health change of any process, or when the signal aborts. */
  nextChange(signal: AbortSignal): Promise<void>;
}

/**
 * Where a dependent stands: `waiting` for a condition on its way, `stalled` on one that is failing
 * now but may recover by itself (unhealthy), `blocked` on one that needs a hand (FATAL, a failed job).
 */
export type DependencyVerdict = { readonly kind: 'met' } | { readonly kind: 'waiting' | 'stalled' | 'blocked'; readonly text: string };

const goals: Record<Dependency['condition'], string> = {
  started: 'start',
  healthy: 'become healthy',
  completed_successfully: 'complete successfully',
};

function verdictOf(dependency: Dependency, process: ManagedProcess, view: DependencyView): DependencyVerdict {
  const { state, exitExpected, exitCode, signal, spawnError } = process.snapshot;
  const health = state === 'RUNNING' ? view.healthOf(process) : null;
  const waiting = (kind: 'waiting' | 'stalled' = 'waiting'): DependencyVerdict => ({
    kind,
    text: `waiting for ${dependency.name} to ${goals[dependency.condition]} (${process.fullName}: ${state}${health ? `, ${health}` : ''})`,
  });
  const blocked = (why: string): DependencyVerdict => ({ kind: 'blocked', text: `dependency not met: ${why}; starts once it is met` });
  if (state === 'FATAL') return blocked(`${process.fullName} is FATAL${spawnError ? ` (${spawnError})` : ''}`);
  if (state === 'STOPPED') return view.startPending(process) ? waiting() : blocked(`${process.fullName} is STOPPED`);
  switch (dependency.condition) {
    case 'started':
      if (state === 'RUNNING') return { kind: 'met' };
      return state === 'EXITED' ? blocked(`${process.fullName} is EXITED (${describeExit(exitCode, signal)})`) : waiting();
    case 'healthy':
      if (state === 'RUNNING' && health === 'healthy') return { kind: 'met' };
      if (state === 'EXITED') return blocked(`${process.fullName} is EXITED (${describeExit(exitCode, signal)})`);
      return waiting(health === 'unhealthy' ? 'stalled' : 'waiting');
    case 'completed_successfully':
      if (state === 'EXITED' && exitExpected === true) return { kind: 'met' };
      return state === 'EXITED' ? blocked(`${process.fullName} did not complete successfully (${describeExit(exitCode, signal)})`) : waiting();
  }
}

const severity: Record<DependencyVerdict['kind'], number> = { met: 0, waiting: 1, stalled: 2, blocked: 3 };

/** The verdict of the worst unmet condition among all dependencies. */
export function evaluateDependencies(dependencies: readonly Dependency[], view: DependencyView): DependencyVerdict {
  let worst: DependencyVerdict = { kind: 'met' };
  for (const dependency of dependencies) {
    const processes = view.processesOf(dependency.name);
    if (processes.length === 0) return { kind: 'blocked', text: `dependency not met: ${dependency.name} has no process` };
    for (const process of processes) {
      const verdict = verdictOf(dependency, process, view);
      if (severity[verdict.kind] > severity[worst.kind]) worst = verdict;
    }
  }
  return worst;
}

function needsStart(dependency: Dependency, processes: readonly ManagedProcess[]): boolean {
  return processes.some((process) => {
    const { state, exitExpected } = process.snapshot;
    if (dependency.condition === 'completed_successfully') return state === 'STOPPED' || (state === 'EXITED' && exitExpected !== true) || state === 'FATAL';
    return state === 'STOPPED' || state === 'EXITED' || state === 'FATAL';
  });
}

/**
 * One dependent waiting for its depends_on: it starts what is needed once, then follows every
 * change until all conditions hold or it is cancelled. A blocked condition does not end the wait:
 * a dependency started again by hand lets the dependent start too.
 */
export class DependencyGate {
  private readonly controller = new AbortController();
  private verdict: DependencyVerdict = { kind: 'waiting', text: '' };
  private readonly settledWaiters = new Set<(verdict: DependencyVerdict) => void>();
  /** True once every condition holds, false when cancelled. */
  readonly done: Promise<boolean>;

  constructor(
    private readonly dependencies: readonly Dependency[],
    private readonly view: DependencyView,
    private readonly report: (verdict: DependencyVerdict, previous: DependencyVerdict) => void,
  ) {
    this.done = this.run();
  }

  cancel(): void {
    this.controller.abort();
  }

  /** The verdict as soon as the start can go (met), cannot go yet (stalled, blocked), or null once cancelled. */
  settled(): Promise<DependencyVerdict | null> {
    return new Promise((resolve) => {
      void this.done.then((met) => resolve(met ? { kind: 'met' } : null));
      if (this.verdict.kind === 'stalled' || this.verdict.kind === 'blocked') resolve(this.verdict);
      else this.settledWaiters.add(resolve);
    });
  }

  private async run(): Promise<boolean> {
    for (const dependency of this.dependencies) {
      if (needsStart(dependency, this.view.processesOf(dependency.name))) this.view.startProgram(dependency.name);
    }
    const { signal } = this.controller;
    while (!signal.aborted) {
      const verdict = evaluateDependencies(this.dependencies, this.view);
      const previous = this.verdict;
      this.verdict = verdict;
      if (verdict.kind !== previous.kind || ('text' in verdict && 'text' in previous && verdict.text !== previous.text)) this.report(verdict, previous);
      if (verdict.kind === 'met') return true;
      if (verdict.kind !== 'waiting') {
        for (const waiter of this.settledWaiters) waiter(verdict);
        this.settledWaiters.clear();
      }
      await this.view.nextChange(signal);
    }
    return false;
  }
}
