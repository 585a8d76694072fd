/** The process object of docs/api.md; the resource fields come from the metrics sampler when it runs. */
export interface ProcessInfo {
  readonly name: string;
  readonly group: string;
  readonly processName: string;
  readonly state: ProcessState;
  readonly pid: number | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly uptime: number;
  readonly description: string;
  readonly spawnError: string | null;
  readonly startedAt: number | null;
  readonly stoppedAt: number | null;
  readonly port: number | null;
  readonly health: 'starting' | 'healthy' | 'unhealthy' | null;
  readonly nextRunAt: number | null;
  readonly restarts?: number;
  readonly cpuPercent?: number | null;
  readonly rssBytes?: number | null;
  readonly servesHttp?: boolean;
}

export const processStates = ['RUNNING', 'STARTING', 'BACKOFF', 'STOPPING', 'EXITED', 'FATAL', 'STOPPED'] as const;
export type ProcessState = (typeof processStates)[number];

export interface ActionResult {
  readonly name: string;
  readonly ok: boolean;
  readonly state: string;
  readonly message: string;
}

export interface ConfigDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly unchanged: readonly string[];
  readonly changed: readonly { name: string; respawn: boolean; changedKeys: readonly string[]; numprocsBefore: number; numprocsAfter: number }[];
}

export interface ReloadResult {
  readonly ok: boolean;
  readonly applied: boolean;
  readonly diff: ConfigDiff | null;
  readonly errors: readonly string[];
}

export interface ResourceSample {
  readonly at: number;
  readonly cpuPercent: number;
  readonly rssBytes: number;
}
