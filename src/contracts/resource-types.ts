import type { ProcessInfo } from './process-info.js';

/** One point of a process's chart. */
export interface ResourceSample {
  /** When it was taken, ms since the epoch. */
  readonly at: number;
  readonly cpuPercent: number;
  readonly rssBytes: number;
  readonly openFds: number | null;
}

/** What the resource sampler adds to a process's status; each field only when known. */
export interface ProcessResources {
  /** CPU use since the previous sample, in percent of one core. */
  readonly cpuPercent?: number;
  /** User plus system CPU time of the running process. */
  readonly cpuSeconds?: number;
  readonly rssBytes?: number;
  readonly openFds?: number;
  /** Spawns after the first since the supervisor (or a reload) created the process. */
  readonly restarts?: number;
  /** Of the last run that ended, kept while the next one runs; 128 + N when signal N killed it. */
  readonly lastExitCode?: number;
}

/** One process's chart: a sample each ringIntervalMs at most, while someone watched. */
export interface ProcessSamples {
  readonly name: string;
  readonly intervalMs: number;
  readonly samples: readonly ResourceSample[];
}

/** Sent on the event stream after each sampling pass (only while someone watches). */
export interface ResourceEventMessage {
  readonly type: 'resources';
  readonly at: number;
  readonly processes: readonly ({ readonly name: string } & ProcessResources)[];
}

/** The supervisor's own use of the machine. */
export interface SelfResources {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  readonly openFds: number | null;
  readonly startTimeSeconds: number;
}

/** Everything /metrics shows, freshly sampled; formatted at the edge. */
export interface MetricsSnapshot {
  readonly version: string;
  readonly pid: number;
  readonly supervisor: SelfResources;
  /** Sampling passes so far: flat while nobody watches. */
  readonly samplingPasses: number;
  /** Event streams holding sampling on now. */
  readonly samplingWatchers: number;
  readonly processes: readonly ProcessInfo[];
  /** The full names of the processes of programs with a schedule: they are jobs. */
  readonly scheduledPrograms: readonly string[];
}
