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
