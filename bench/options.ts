import { parseArgs } from 'node:util';
import { toolNames, type ToolName } from './tools/session.js';

export interface Sizes {
  readonly kills: number;
  readonly fleet: number;
  /** Idle measurements besides the fleet size, which the fleet workload covers. */
  readonly idleCounts: readonly number[];
  readonly idleWindowMs: number;
  readonly outputWindowMs: number;
  readonly outputRounds: number;
  readonly cliRuns: number;
  /** Restart under flood: kills per tool, and the time after which a slow tool's kills stop. */
  readonly floodKills: number;
  readonly floodToolBudgetMs: number;
  /** Schedules: how many every-second jobs, and the window their lateness and CPU are measured over. */
  readonly scheduleJobs: number;
  readonly scheduleWindowMs: number;
  /** kill -9 of random children of a fleet, one after another (issue 17: flat memory after 10,000). */
  readonly churn: { readonly kills: number; readonly fleet: number };
}

export const workloadNames = ['restart', 'idle', 'fleet', 'output', 'flood', 'schedule', 'churn'] as const;
export type WorkloadName = (typeof workloadNames)[number];

export interface BenchOptions {
  readonly mode: 'full' | 'quick' | 'smoke';
  readonly tools: readonly ToolName[];
  readonly workloads: readonly WorkloadName[];
  /** Where results.json, benchmarks.md and benchmarks.svg go; null prints the table only. */
  readonly outDir: string | null;
  readonly sizes: Sizes;
  /** A results.json to render again (after editing the analysis) instead of measuring. */
  readonly renderFrom: string | null;
}

const sizesByMode: Record<BenchOptions['mode'], Sizes> = {
  full: { kills: 200, fleet: 1000, idleCounts: [1, 100], idleWindowMs: 5000, outputWindowMs: 2000, outputRounds: 2, cliRuns: 5, floodKills: 100, floodToolBudgetMs: 30_000, scheduleJobs: 1000, scheduleWindowMs: 15_000, churn: { kills: 10_000, fleet: 100 } },
  quick: { kills: 30, fleet: 100, idleCounts: [1], idleWindowMs: 1500, outputWindowMs: 600, outputRounds: 1, cliRuns: 2, floodKills: 20, floodToolBudgetMs: 8000, scheduleJobs: 1000, scheduleWindowMs: 4000, churn: { kills: 500, fleet: 20 } },
  smoke: { kills: 5, fleet: 20, idleCounts: [1], idleWindowMs: 500, outputWindowMs: 300, outputRounds: 1, cliRuns: 2, floodKills: 3, floodToolBudgetMs: 2000, scheduleJobs: 20, scheduleWindowMs: 2000, churn: { kills: 20, fleet: 3 } },
};

export const usage = `Usage: node dist/bench/run.js [--quick] [--smoke] [--only TOOL[,TOOL]] [--workload NAME[,NAME]] [--out DIR]

Runs the benchmark workloads under Taskmaster, supervisord and PM2, plus the floor.
  --quick        smaller sizes, under 2.5 minutes
  --smoke        tiny sizes, to check that the harness works (implies --quick)
  --only LIST    tools to run, among ${toolNames.join(', ')} (the floor always runs)
  --workload LIST  workloads to run, among ${workloadNames.join(', ')} (default: all)
  --render FILE  measure nothing: render FILE (a results.json) into --out again
  --out DIR      write results.json, benchmarks.md and benchmarks.svg into DIR
                 (default: docs/ for a full run, nowhere for --quick and --smoke)`;

export function parseOptions(argv: readonly string[], docsDir: string): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean' },
      smoke: { type: 'boolean' },
      only: { type: 'string' },
      workload: { type: 'string' },
      out: { type: 'string' },
      render: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const mode = values.smoke ? 'smoke' : values.quick ? 'quick' : 'full';
  const requested = values.only === undefined ? [...toolNames] : values.only.split(',').map((name) => name.trim());
  const unknown = requested.filter((name) => !(toolNames as readonly string[]).includes(name));
  if (unknown.length > 0) throw new RangeError(`Cannot parse --only: unknown tool ${unknown.join(', ')}; expected ${toolNames.join(', ')}`);
  const workloads = values.workload === undefined ? [...workloadNames] : values.workload.split(',').map((name) => name.trim());
  const unknownWorkloads = workloads.filter((name) => !(workloadNames as readonly string[]).includes(name));
  if (unknownWorkloads.length > 0) throw new RangeError(`Cannot parse --workload: unknown workload ${unknownWorkloads.join(', ')}; expected ${workloadNames.join(', ')}`);
  return {
    mode,
    tools: toolNames.filter((name) => requested.includes(name)),
    workloads: workloadNames.filter((name) => workloads.includes(name)),
    outDir: values.out ?? (mode === 'full' ? docsDir : null),
    renderFrom: values.render ?? null,
    sizes: sizesByMode[mode],
  };
}
