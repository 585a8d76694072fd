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
  /** Of a failed run (failure, timeout): its last lines of output (see LastOutput), at most 5; [] otherwise. */
  readonly lastLines: readonly string[];
}

/**
 * What a run wrote last: the last lines of its stderr, or of its stdout when stderr is
 * merged into stdout (redirect_stderr) or the run wrote nothing to stderr. Lines are
 * captured from the pipe whatever the stream's destination (a file, `discard`,
 * `inherit`), at most 20 per stream, each cut at 512 bytes (marked `…`), terminal
 * escapes and control characters removed; an unfinished last line counts.
 */
export interface LastOutput {
  readonly stream: 'stdout' | 'stderr';
  /** The file that holds the whole stream; null when it is discarded or goes to Taskmaster's stdout. */
  readonly file: string | null;
  /** Oldest first; [] when the run wrote nothing. */
  readonly lines: readonly string[];
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
  /**
   * Why it is not running, in BACKOFF, FATAL, or EXITED after an unexpected exit: `exit status 3`,
   * `terminated by SIGKILL` (with `; timed out` after a timeout), or the spawn error; null otherwise.
   */
  readonly exitReason: string | null;
  /** In those same states, the last lines (at most 20) of the run that failed (see LastOutput); [] otherwise. */
  readonly lastLines: readonly string[];
  /** Which stream lastLines come from, and the file holding all of it (null: discarded or inherit); null with no failed run. */
  readonly lastLinesStream: 'stdout' | 'stderr' | null;
  readonly lastLinesFile: string | null;
  /** Runs under a pseudo-terminal (`tty: true`): `fg` attaches a terminal to it. */
  readonly tty?: boolean;
}

/** Every key of ProcessInfo, that `GET /v1/status?fields=` may name. */
export const processInfoKeys = [
  'name', 'group', 'processName', 'state', 'pid', 'exitCode', 'signal', 'uptime', 'description', 'spawnError', 'startedAt', 'stoppedAt', 'port', 'url', 'health',
  'nextRunAt', 'lastRun', 'exitReason', 'lastLines', 'lastLinesStream', 'lastLinesFile', 'tty', 'cpuPercent', 'cpuSeconds', 'rssBytes', 'openFds', 'restarts', 'lastExitCode',
] as const satisfies readonly (keyof ProcessInfo)[];

// Fails to compile when ProcessInfo gains a key that processInfoKeys lacks.
const everyKeyListed: [Exclude<keyof ProcessInfo, (typeof processInfoKeys)[number]>] extends [never] ? true : never = true;
void everyKeyListed;
