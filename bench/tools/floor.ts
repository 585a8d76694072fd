import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Cleanup } from '../lib/cleanup.js';
import { withTimeout } from '../lib/deadline.js';
import { floorDir } from './repo-paths.js';

export interface FloorProcess {
  readonly pid: number;
  close(): Promise<void>;
}

function track(child: ChildProcess, what: string, cleanup: Cleanup): FloorProcess {
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${what} did not start`);
  cleanup.trackPid(pid);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    cleanup.rememberTree(pid);
    child.kill('SIGTERM');
    await withTimeout(exited, 10_000, `${what} to exit`);
  };
  cleanup.onClose(what, close);
  return { pid, close };
}

/** The ten-line respawn loop around `argv`. */
export function startRespawnLoop(argv: readonly string[], cleanup: Cleanup): FloorProcess {
  const child = spawn(process.execPath, [join(floorDir, 'respawn-loop.js'), ...argv], { stdio: 'ignore' });
  return track(child, 'floor respawn loop', cleanup);
}

/** Node holding `count` idle piped children; resolves once all are spawned. */
export async function startChildHolder(count: number, argv: readonly string[], cleanup: Cleanup): Promise<FloorProcess> {
  const child = spawn(process.execPath, [join(floorDir, 'hold-children.js'), String(count), ...argv], { stdio: ['ignore', 'pipe', 'ignore'] });
  const holder = track(child, `floor holder of ${count}`, cleanup);
  await withTimeout(
    new Promise<void>((resolve) => child.stdout!.once('data', () => resolve())),
    60_000,
    `the floor holder to spawn ${count} children`,
  );
  cleanup.rememberTree(holder.pid);
  return holder;
}

export interface TickSpawner extends FloorProcess {
  /** Stops the spawner and returns every spawn as its tick (ms since the epoch) and its lateness after it (ms). */
  finish(): Promise<{ tickAtMs: number; latenessMs: number }[]>;
}

/** Node spawning `jobs` piped children of `argv` at each whole second: the floor of the schedule workload. */
export function startTickSpawner(jobs: number, argv: readonly string[], cleanup: Cleanup): TickSpawner {
  const child = spawn(process.execPath, [join(floorDir, 'tick-spawner.js'), String(jobs), ...argv], { stdio: ['ignore', 'pipe', 'ignore'] });
  const spawner = track(child, 'floor tick spawner', cleanup);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const ended = new Promise<void>((resolve) => child.stdout!.once('end', () => resolve()));
  return {
    ...spawner,
    finish: async () => {
      await spawner.close();
      await withTimeout(ended, 10_000, 'the tick spawner’s figures');
      const pairs = JSON.parse(output) as number[];
      return Array.from({ length: pairs.length / 2 }, (_, index) => ({ tickAtMs: pairs[2 * index]!, latenessMs: pairs[2 * index + 1]! }));
    },
  };
}

/** Node spawning `count` children with Taskmaster's stdio; resolves with the ms from the word go until all have spawned. */
export async function timeSpawnFleet(count: number, argv: readonly string[], cleanup: Cleanup): Promise<number> {
  const child = spawn(process.execPath, [join(floorDir, 'spawn-fleet.js'), String(count), ...argv], { stdio: ['pipe', 'pipe', 'ignore'] });
  const fleet = track(child, `floor spawning ${count}`, cleanup);
  const lines = readLines(child);
  try {
    await withTimeout(lines.next(), 15_000, 'the floor spawner to start');
    child.stdin!.write('go\n');
    const elapsed = Number(await withTimeout(lines.next(), 180_000, `the floor to spawn ${count} children`));
    cleanup.rememberTree(fleet.pid);
    return elapsed;
  } finally {
    await fleet.close();
  }
}

/** The next line a child writes, one call at a time. */
function readLines(child: ChildProcess): { next(): Promise<string> } {
  let buffered = '';
  const waiting: ((line: string) => void)[] = [];
  const deliver = (): void => {
    for (let end = buffered.indexOf('\n'); end !== -1 && waiting.length > 0; end = buffered.indexOf('\n')) {
      waiting.shift()!(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
    }
  };
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    buffered += text;
    deliver();
  });
  return {
    next: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        deliver();
      }),
  };
}
