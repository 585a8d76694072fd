export type AutoRestart = 'always' | 'never' | 'unexpected';

/** Where one output stream of a process goes. `auto` is a file per process in the log folder. */
export type OutputTarget =
  | { readonly kind: 'discard' }
  | { readonly kind: 'auto' }
  | { readonly kind: 'inherit' }
  | { readonly kind: 'file'; readonly path: string };

export interface ProgramConfig {
  readonly name: string;
  readonly cmd: string;
  readonly argv: readonly string[];
  readonly numprocs: number;
  readonly umask: number | null;
  readonly workingDir: string | null;
  readonly autostart: boolean;
  readonly autorestart: AutoRestart;
  readonly exitCodes: readonly number[];
  readonly startRetries: number;
  readonly startTimeMs: number;
  readonly stopSignal: NodeJS.Signals;
  readonly stopTimeMs: number;
  readonly stdout: OutputTarget;
  readonly stderr: OutputTarget;
  readonly redirectStderr: boolean;
  readonly stdoutMaxBytes: number;
  readonly stdoutBackups: number;
  readonly stderrMaxBytes: number;
  readonly stderrBackups: number;
  readonly logTimestamps: boolean;
  readonly env: Readonly<Record<string, string>>;
  readonly user: string | null;
  readonly priority: number;
  readonly stopAsGroup: boolean;
  readonly killAsGroup: boolean;
}

export interface SupervisorConfig {
  /** Absolute path of the file this was read from. */
  readonly file: string;
  readonly logFile: string;
  /** Folder that holds the per-process output files of `auto` streams. */
  readonly logDir: string;
  readonly socket: string;
  readonly watchConfig: boolean;
  readonly logFileMaxBytes: number;
  readonly logFileBackups: number;
  readonly logFormat: 'text' | 'json';
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly programs: ReadonlyMap<string, ProgramConfig>;
}

/** Settings that decide how a process is spawned: changing one of them needs a restart. */
export const spawnKeys = [
  'cmd',
  'argv',
  'umask',
  'workingDir',
  'stdout',
  'stderr',
  'redirectStderr',
  'stdoutMaxBytes',
  'stdoutBackups',
  'stderrMaxBytes',
  'stderrBackups',
  'logTimestamps',
  'env',
  'user',
] as const satisfies readonly (keyof ProgramConfig)[];

/** Settings applied to a running process in place. */
export const supervisionKeys = [
  'autostart',
  'autorestart',
  'exitCodes',
  'startRetries',
  'startTimeMs',
  'stopSignal',
  'stopTimeMs',
  'priority',
  'stopAsGroup',
  'killAsGroup',
] as const satisfies readonly (keyof ProgramConfig)[];
