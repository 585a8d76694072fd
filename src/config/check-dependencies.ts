import type { ProgramConfig } from './types.js';

export interface DependencyProblem {
  readonly program: string;
  readonly message: string;
}

/** Unknown programs, conditions that cannot hold, and cycles among depends_on. */
export function checkDependencies(programs: ReadonlyMap<string, ProgramConfig>): DependencyProblem[] {
  const problems: DependencyProblem[] = [];
  for (const program of programs.values()) {
    for (const dependency of program.dependsOn) {
      const target = programs.get(dependency.name);
      if (!target) {
        problems.push({ program: program.name, message: `depends on ${dependency.name}, which is not a program here` });
      } else if (dependency.condition === 'healthy' && target.healthcheck === null) {
        problems.push({ program: program.name, message: `waits for ${dependency.name} to be healthy, but ${dependency.name} has no healthcheck` });
      } else if (dependency.name === program.name) {
        problems.push({ program: program.name, message: 'depends on itself' });
      }
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  // Iterative depth-first search: a long chain of depends_on must not overflow the stack.
  const path: string[] = [];
  const next: Array<Iterator<string>> = [];
  const enter = (name: string): void => {
    state.set(name, 'visiting');
    path.push(name);
    const targets = (programs.get(name)?.dependsOn ?? []).map((dependency) => dependency.name);
    next.push(targets.filter((target) => programs.has(target) && target !== name)[Symbol.iterator]());
  };
  for (const root of programs.keys()) {
    if (state.has(root)) continue;
    enter(root);
    while (next.length > 0) {
      const step = next[next.length - 1]!.next();
      if (step.done) {
        state.set(path.pop()!, 'done');
        next.pop();
        continue;
      }
      const target = step.value;
      if (state.get(target) === 'done') continue;
      if (state.get(target) === 'visiting') {
        const cycle = [...path.slice(path.indexOf(target)), target];
        const key = [...cycle].slice(0, -1).sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          problems.push({ program: cycle[0]!, message: `dependency cycle: ${cycle.join(' -> ')}` });
        }
        continue;
      }
      enter(target);
    }
  }
  return problems;
}
