import { cpus, freemem, release, totalmem, availableParallelism } from 'node:os';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Cleanup } from './lib/cleanup.js';
import { parseOptions, usage, type BenchOptions, type WorkloadName } from './options.js';
import { renderMarkdown, resultsTable } from './report/markdown.js';
import { ResultTable, type BenchResults, type Column, type RunInfo } from './report/results.js';
import { renderSvg } from './report/svg.js';
import { Pm2Tool } from './tools/pm2.js';
import { repoRoot } from './tools/repo-paths.js';
import type { Tool, ToolName } from './tools/session.js';
import { SupervisordTool } from './tools/supervisord.js';
import { TaskmasterTool } from './tools/taskmaster.js';
import { describeError, type BenchContext } from './workloads/context.js';
import { measureChurn } from './workloads/churn.js';
import { measureFleet } from './workloads/fleet.js';
import { measureIdleCost } from './workloads/idle-cost.js';
import { measureOutputThroughput } from './workloads/output-throughput.js';
import { measureRestartLatency } from './workloads/restart-latency.js';
import { measureRestartUnderFlood } from './workloads/restart-under-flood.js';
import { measureScheduleLateness } from './workloads/schedule-lateness.js';

/** Past this, the run is abandoned and cleaned up: the budgets are 15.5 min full (the churn's 2 x 10,000 kills take 2 to 3; ten children into one file about 40 s), 2.5 min quick. */
const watchdogMs: Record<BenchOptions['mode'], number> = { full: 920_000, quick: 155_000, smoke: 50_000 };

function progress(message: string): void {
  process.stderr.write(`bench [${(performance.now() / 1000).toFixed(1)} s] ${message}\n`);
}

function describeMachine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${availableParallelism()} CPUs (${model}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory (${(freemem() / 2 ** 30).toFixed(1)} GiB free at start), Linux ${release()}`;
}

async function prepareTools(selected: readonly ToolName[], cleanup: Cleanup): Promise<{ tools: Tool[]; versions: Partial<Record<Column, string>>; unavailable: Map<ToolName, string> }> {
  const all: Tool[] = [new TaskmasterTool(cleanup), new SupervisordTool(cleanup), new Pm2Tool(cleanup)];
  const versions: Partial<Record<Column, string>> = { floor: `Node ${process.versions.node}` };
  const unavailable = new Map<ToolName, string>();
  const tools: Tool[] = [];
  await Promise.all(
    all.map(async (tool) => {
      if (!selected.includes(tool.name)) {
        unavailable.set(tool.name, 'not run (--only)');
        return;
      }
      try {
        progress(`preparing ${tool.name}`);
        versions[tool.name] = await tool.prepare();
        tools.push(tool);
      } catch (error) {
        unavailable.set(tool.name, `not installed: ${describeError(error)}`);
      }
    }),
  );
  tools.sort((a, b) => all.indexOf(a) - all.indexOf(b));
  return { tools, versions, unavailable };
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2), join(repoRoot, 'docs'));
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  if (options.renderFrom !== null) {
    await report(options, JSON.parse(await readFile(options.renderFrom, 'utf8')) as BenchResults);
    return 0;
  }
  const cleanup = new Cleanup();
  const startedAt = performance.now();
  const notes: string[] = [];
  let cleaned = false;
  const cleanUp = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    const problems = await cleanup.runAll();
    for (const problem of problems) notes.push(`cleanup: ${problem}`);
  };
  const results = new ResultTable();
  let versions: Partial<Record<Column, string>> = {};
  const finish = async (): Promise<void> => {
    await report(options, { info: runInfo(options, versions, startedAt, notes), rows: results.rows });
  };
  const abandon = (why: string): void => {
    progress(`${why}: stopping everything`);
    notes.push(`${why}: the run was cut short and these figures are partial`);
    void cleanUp()
      .then(finish)
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', () => abandon('interrupted'));
  process.once('SIGTERM', () => abandon('terminated'));
  const watchdog = setTimeout(() => abandon(`over the ${watchdogMs[options.mode] / 1000} s budget`), watchdogMs[options.mode]);

  try {
    const prepared = await prepareTools(options.tools, cleanup);
    versions = prepared.versions;
    const context: BenchContext = { cleanup, sizes: options.sizes, tools: prepared.tools, unavailable: prepared.unavailable, results, progress };
    const workloads: [WorkloadName, (context: BenchContext) => Promise<void>][] = [
      ['restart', measureRestartLatency],
      ['idle', measureIdleCost],
      ['fleet', measureFleet],
      ['output', measureOutputThroughput],
      ['flood', measureRestartUnderFlood],
      ['schedule', measureScheduleLateness],
      ['churn', measureChurn],
    ];
    for (const [name, workload] of workloads) {
      if (!options.workloads.includes(name)) continue;
      try {
        await workload(context);
      } catch (error) {
        notes.push(`workload ${name} failed: ${describeError(error)}`);
        progress(`workload ${name} failed: ${(error as Error).stack ?? String(error)}`);
      }
    }
  } finally {
    clearTimeout(watchdog);
    progress('cleaning up');
    await cleanUp();
  }

  await finish();
  return 0;
}

function runInfo(options: BenchOptions, versions: Partial<Record<Column, string>>, startedAt: number, notes: readonly string[]): RunInfo {
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    mode: options.mode,
    machine: describeMachine(),
    node: process.versions.node,
    versions,
    durationSeconds: (performance.now() - startedAt) / 1000,
    notes,
  };
}

/** Prints the table and writes the page, the chart and (outside docs/) the raw numbers. */
async function report(options: BenchOptions, benchResults: BenchResults): Promise<void> {
  const { notes } = benchResults.info;
  process.stdout.write(`${resultsTable(benchResults)}\n`);
  for (const note of notes) process.stdout.write(`note: ${note}\n`);
  if (options.outDir !== null) {
    await mkdir(options.outDir, { recursive: true });
    const analysis = await readFile(join(repoRoot, 'bench', 'report', 'analysis.md'), 'utf8').catch(() => '');
    // docs/ gets only the page and the chart; an explicit --out also gets the raw numbers.
    if (resolve(options.outDir) !== join(repoRoot, 'docs')) await writeFile(join(options.outDir, 'results.json'), `${JSON.stringify(benchResults, null, 2)}\n`);
    await writeFile(join(options.outDir, 'benchmarks.md'), renderMarkdown(benchResults, analysis));
    await writeFile(join(options.outDir, 'benchmarks.svg'), renderSvg(benchResults));
    progress(`wrote benchmarks.md and benchmarks.svg in ${options.outDir}`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
