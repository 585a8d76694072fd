import { spawn } from 'node:child_process';
import { closeSync, openSync, statSync } from 'node:fs';
import { truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sleepMs } from '../lib/deadline.js';
import { isAlive, killQuietly, readCpuSeconds } from '../lib/proc.js';
import { median } from '../lib/stats.js';
import { which } from '../lib/which.js';
import type { Column } from '../report/results.js';
import type { ProgramSpec, Session } from '../tools/session.js';
import { closeEach, describeError, rotate, type BenchContext } from './context.js';

const floodLine = 'taskmaster benchmark: a line of output much like a busy service would log';
const warmUpMs = 300;

/** What the children write: short text lines, or bytes with no newline at all (each chunk an unfinished line). */
interface FloodCase {
  readonly id: string;
  readonly writers: number;
  readonly what: string;
  readonly argv: () => readonly string[];
  /** All writers append to one file (numprocs writing one log), as ten O_APPEND writers do on their own in the floor. */
  readonly sharedFile?: true;
}

const floodCases: readonly FloodCase[] = [
  { id: '1', writers: 1, what: 'stdout', argv: () => [which('yes'), floodLine] },
  { id: '10', writers: 10, what: 'stdout', argv: () => [which('yes'), floodLine] },
  { id: '10-shared', writers: 10, what: 'stdout into one file', argv: () => [which('yes'), floodLine], sharedFile: true },
  { id: 'binary-1', writers: 1, what: 'binary stdout (no newlines)', argv: () => [which('cat'), '/dev/zero'] },
];

interface Flood {
  bytesPerSecond: number;
  cpuSecondsPerGb: number;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Bytes landed in `files` and CPU spent by `pid` over one window, once writers run at full speed. */
async function sampleFlood(files: readonly string[], pid: number | null, windowMs: number): Promise<Flood> {
  await sleepMs(warmUpMs);
  const distinct = [...new Set(files)];
  const total = (): number => distinct.reduce((sum, file) => sum + sizeOf(file), 0);
  const bytesBefore = total();
  const cpuBefore = pid === null ? 0 : readCpuSeconds(pid);
  const startedAt = performance.now();
  await sleepMs(windowMs);
  const bytes = total() - bytesBefore;
  const seconds = (performance.now() - startedAt) / 1000;
  const cpuSeconds = pid === null ? 0 : readCpuSeconds(pid) - cpuBefore;
  return { bytesPerSecond: bytes / seconds, cpuSecondsPerGb: bytes > 0 ? cpuSeconds / (bytes / 1e9) : Number.NaN };
}

/** The floor: the child writing straight to its file (O_APPEND, so writers sharing one never overwrite each other), with no supervisor reading a pipe. */
async function floodStraightToFiles(argv: readonly string[], files: readonly string[], windowMs: number): Promise<Flood> {
  const pids: number[] = [];
  try {
    for (const file of files) {
      const fd = openSync(file, 'a');
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', fd, 'ignore'] });
      closeSync(fd);
      if (child.pid !== undefined) pids.push(child.pid);
    }
    return await sampleFlood(files, null, windowMs);
  } finally {
    for (const pid of pids) killQuietly(pid, 'SIGKILL');
    while (pids.some(isAlive)) await sleepMs(10);
  }
}

/** One and ten children flooding text (ten into their own files and into one shared file), and one flooding binary, into log files: MB/s landed and supervisor CPU seconds per GB. */
export async function measureOutputThroughput(context: BenchContext): Promise<void> {
  const { sizes, results } = context;
  for (const { id, writers, what, argv, sharedFile } of floodCases) {
    const children = `${writers} child${writers === 1 ? '' : 'ren'}`;
    const rate = results.row(`output-rate-${id}`, 'output', `output throughput, ${children} flooding ${what}`, 'MB/s', { higherIsBetter: true, target: writers === 1 ? '≥ 0.9 × floor' : '≥ 0.8 × floor' });
    const cpu = results.row(`output-cpu-${id}`, 'output', `supervisor CPU per GB of output, ${children}${id.startsWith('binary') ? ', binary' : ''}${sharedFile ? ', one file' : ''}`, 's/GB');
    const fileNames = (dir: string): string[] => Array.from({ length: writers }, (_, index) => join(dir, sharedFile ? 'flood.log' : `flood${index}.log`));
    for (const [column, reason] of context.unavailable) rate[column] = cpu[column] = { missing: reason };
    cpu.floor = { missing: 'no supervisor' };
    const sessions: Session[] = [];
    const filesOf = new Map<Column, string[]>();
    const samples = new Map<Column, Flood[]>();
    try {
      for (const tool of context.tools) {
        const dir = await context.cleanup.makeTempDir(`output-${tool.name}-${id}`);
        const files = fileNames(dir);
        const programs: ProgramSpec[] = files.map((file, index) => ({ name: `flood${index}`, argv: argv(), stdoutFile: file, autostart: false }));
        try {
          sessions.push(await tool.launch(programs, `output-${id}`));
          filesOf.set(tool.name, files);
          samples.set(tool.name, []);
        } catch (error) {
          rate[tool.name] = cpu[tool.name] = { missing: `could not launch: ${describeError(error)}` };
        }
      }
      const floorDir = await context.cleanup.makeTempDir(`output-floor-${id}`);
      filesOf.set('floor', fileNames(floorDir));
      samples.set('floor', []);

      const participants: (Session | 'floor')[] = [...sessions, 'floor'];
      for (let round = 0; round < sizes.outputRounds; round += 1) {
        for (const participant of rotate(participants, round)) {
          const column: Column = participant === 'floor' ? 'floor' : participant.tool;
          const files = filesOf.get(column)!;
          context.progress(`output: ${children} flooding ${what} under ${column}`);
          try {
            if (participant === 'floor') {
              samples.get(column)!.push(await floodStraightToFiles(argv(), files, sizes.outputWindowMs));
            } else {
              await participant.startAll();
              try {
                samples.get(column)!.push(await sampleFlood(files, participant.supervisorPid, sizes.outputWindowMs));
              } finally {
                await participant.stopAll();
              }
            }
          } catch (error) {
            rate[column] = cpu[column] = { missing: `failed: ${describeError(error)}` };
            samples.delete(column);
          }
          // Gigabytes of output are not worth keeping; truncating keeps the inode a tool may still hold open.
          for (const file of new Set(files)) await truncate(file, 0).catch(() => undefined);
        }
      }
    } finally {
      await closeEach(context, sessions);
    }
    for (const [column, floods] of samples) {
      rate[column] = { value: median(floods.map((flood) => flood.bytesPerSecond)) / 1e6 };
      if (column !== 'floor') cpu[column] = { value: median(floods.map((flood) => flood.cpuSecondsPerGb)) };
    }
  }
}
