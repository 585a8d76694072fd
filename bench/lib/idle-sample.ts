import { performance } from 'node:perf_hooks';
import { readCpuSeconds, readRssBytes } from './proc.js';
import { sleepMs } from './deadline.js';

export interface IdleCost {
  readonly rssBytes: number;
  /** Share of one core used over the window, in percent. */
  readonly cpuPercent: number;
}

/** Memory and CPU of several processes over one shared window, so they see the same machine noise. */
export async function sampleIdle(pids: readonly number[], windowMs: number): Promise<IdleCost[]> {
  const cpuBefore = pids.map(readCpuSeconds);
  const startedAt = performance.now();
  await sleepMs(windowMs);
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  return pids.map((pid, index) => ({
    rssBytes: readRssBytes(pid),
    cpuPercent: ((readCpuSeconds(pid) - cpuBefore[index]!) / elapsedSeconds) * 100,
  }));
}
