import type { ProcessResources } from './resource-types.js';
/** The states of a process, as status reports them; only the engine's state machine changes one. */
export type ProcessState = 'STOPPED' | 'STARTING' | 'RUNNING' | 'BACKOFF' | 'STOPPING' | 'EXITED' | 'FATAL';

/** One run of a process, for `history` and a job's last result. */
export interface RunRecord {
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly durationMs: number | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly result: 'running' | 'success' | 'failure' | 'timeout' | 'stopped';
}

/** What status reports for one process; the same over the socket and in-process. */
export interface ProcessInfo extends ProcessResources {
  readonly name: string;
  readonly group: string;
  readonly processName: string;
  readonly state: ProcessState;
  readonly pid: number | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Seconds since the current process was spawned; 0 when none runs. */
  readonly uptime: number;
  readonly description: string;
  readonly spawnError: string | null;
  readonly startedAt: number | null;
  readonly stoppedAt: number | null;
  readonly port: number | null;
  /** Where it serves: the origin of its HTTP ready or health check on its port (absent or null without both). */
  readonly url?: string | null;
  /** Of a process with a healthcheck, while it runs. */
  readonly health: 'starting' | 'healthy' | 'unhealthy' | null;
  /** Of a scheduled job: when its next tick is due (ms since the epoch). */
  readonly nextRunAt: number | null;
  readonly lastRun: RunRecord | null;
}
