import { readdir } from 'node:fs/promises';
import type { SelfResources } from '../contracts/resource-types.js';

/** The supervisor's own CPU, memory and descriptors, from Node itself and /proc/self/fd. */
export async function readSelfResources(): Promise<SelfResources> {
  const cpu = process.cpuUsage();
  const openFds = await readdir('/proc/self/fd').then((entries) => entries.length, () => null);
  return {
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rssBytes: process.memoryUsage.rss(),
    openFds,
    startTimeSeconds: Math.round(Date.now() / 1000 - process.uptime()),
  };
}
