import type { Dependency } from '../config/types.js';
import type { ManagedProcess } from '../engine/managed-process.js';
import type { Health } from './health-monitor.js';

export interface DependencyView {
  processesOf(programName: string): readonly ManagedProcess[];
  healthOf(process: ManagedProcess): Health | null;
  /** Starts the dependency (and what it needs in turn); resolves when its own start settled. */
  startProgram(programName: string): Promise<void>;
  /** Resolves at the next state or health change of any process. */
  nextChange(): Promise<void>;
}

/** Whether a dependency's condition holds now, cannot hold any more, or may still come. */
function evaluate(dependency: Dependency, processes: readonly ManagedProcess[], view: DependencyView): 'met' | 'pending' | string {
  if (processes.length === 0) return `${dependency.name} has no process`;
  for (const process of processes) {
    const { state, exitExpected } = process.snapshot;
    switch (dependency.condition) {
      case 'started':
        if (state === 'FATAL' || state === 'STOPPED' || state === 'EXITED') return `${dependency.name} is ${state}`;
        if (state !== 'RUNNING') return 'pending';
        break;
      case 'healthy': {
        if (state === 'FATAL' || state === 'STOPPED' || state === 'EXITED') return `${dependency.name} is ${state}`;
        const health = view.healthOf(process);
        if (health === 'unhealthy') return `${dependency.name} is unhealthy`;
        if (health !== 'healthy') return 'pending';
        break;
      }
      case 'completed_successfully':
        if (state === 'EXITED' && exitExpected === true) break;
        if (state === 'EXITED' || state === 'FATAL' || state === 'STOPPED') return `${dependency.name} did not complete successfully (${state})`;
        return 'pending';
    }
  }
  return 'met';
}

function needsStart(dependency: Dependency, processes: readonly ManagedProcess[]): boolean {
  return processes.some((process) => {
    const { state, exitExpected } = process.snapshot;
    if (dependency.condition === 'completed_successfully') return state === 'STOPPED' || (state === 'EXITED' && exitExpected !== true) || state === 'FATAL';
    return state === 'STOPPED' || state === 'EXITED' || state === 'FATAL';
  });
}

/**
 * Starts what a program depends on and waits for each condition (compose's depends_on).
 * Resolves to null when all hold, or the reason one never will; reports progress meanwhile.
 */
export async function waitForDependencies(dependencies: readonly Dependency[], view: DependencyView, report: (waitingFor: string) => void): Promise<string | null> {
  for (const dependency of dependencies) {
    if (needsStart(dependency, view.processesOf(dependency.name))) await view.startProgram(dependency.name);
    for (;;) {
      const verdict = evaluate(dependency, view.processesOf(dependency.name), view);
      if (verdict === 'met') break;
      if (verdict !== 'pending') return `dependency not met: ${verdict}`;
      report(`waiting for ${dependency.name} to be ${dependency.condition.replace('_', ' ')}`);
      await view.nextChange();
    }
  }
  return null;
}
