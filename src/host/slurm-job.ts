import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { SupervisorConfig } from '../config/types.js';

/** The SLURM job Taskmaster runs in, from the variables slurmstepd sets; null outside one. */
export interface SlurmJob {
  readonly jobId: string;
  readonly node: string | null;
}

export function slurmJobOf(env: NodeJS.ProcessEnv): SlurmJob | null {
  const jobId = env['SLURM_JOB_ID'] ?? env['SLURM_JOBID'];
  if (jobId === undefined || jobId === '') return null;
  return { jobId, node: env['SLURMD_NODENAME'] ?? null };
}

/** KillWait from `scontrol show config` output (`KillWait = 30 sec`), in ms; null when absent. */
export function parseKillWaitMs(scontrolOutput: string): number | null {
  const match = /^KillWait\s*=\s*(\d+)\s*sec/m.exec(scontrolOutput);
  return match ? Number(match[1]) * 1000 : null;
}

/** Programs whose stoptime is longer than SLURM waits between SIGTERM and SIGKILL. */
export function programsStoppingTooSlowly(config: SupervisorConfig, killWaitMs: number): { name: string; stopTimeMs: number }[] {
  return [...config.programs.values()].filter((program) => program.stopTimeMs > killWaitMs).map((program) => ({ name: program.name, stopTimeMs: program.stopTimeMs }));
}

export function readKillWaitMs(timeoutMs = 10_000): Promise<{ killWaitMs: number } | { error: string }> {
  return new Promise((resolve) => {
    execFile('scontrol', ['show', 'config'], { timeout: timeoutMs }, (error, stdout) => {
      if (error) {
        resolve({ error: error.message.split('\n')[0] ?? 'scontrol failed' });
        return;
      }
      const killWaitMs = parseKillWaitMs(stdout);
      resolve(killWaitMs === null ? { error: 'no KillWait in `scontrol show config`' } : { killWaitMs });
    });
  });
}

/** Our parent's pid now, from /proc (Node's process.ppid is read once at start). */
export async function currentParentPid(): Promise<number | null> {
  try {
    const stat = await readFile('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return null;
  }
}

/**
 * Calls onOrphaned once when the parent (the batch shell, or slurmstepd under `exec`) is gone:
 * prctl(PR_SET_PDEATHSIG) is out of Node's reach, so /proc/self/stat is polled.
 */
export function watchParent(parentPid: number, onOrphaned: (parentPid: number) => void, intervalMs = 1_000): { close(): void } {
  let closed = false;
  const timer = setInterval(() => {
    void currentParentPid().then((pid) => {
      if (closed || pid === null || pid === parentPid) return;
      closed = true;
      clearInterval(timer);
      onOrphaned(parentPid);
    });
  }, intervalMs);
  timer.unref();
  return {
    close: () => {
      closed = true;
      clearInterval(timer);
    },
  };
}
