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
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      const key = [...cycle].slice(0, -1).sort().join(',');
      if (!reported.has(key)) {
        reported.add(key);
        problems.push({ program: cycle[0]!, message: `dependency cycle: ${cycle.join(' -> ')}` });
      }
      return;
    }
    state.set(name, 'visiting');
    for (const dependency of programs.get(name)?.dependsOn ?? []) {
      if (programs.has(dependency.name) && dependency.name !== name) visit(dependency.name, [...path, name]);
    }
    state.set(name, 'done');
  };
  for (const name of programs.keys()) visit(name, []);
  return problems;
}
