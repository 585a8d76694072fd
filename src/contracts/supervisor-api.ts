import type { ConfigDiff } from '../config/config-diff.js';
import type { ProgramEntrySpec } from '../config/edit-programs.js';
import type { SupervisorEvent, WatchOptions } from './process-events.js';
import type { ProcessInfo, ProcessState, RunRecord } from './process-info.js';
import type { MetricsSnapshot, ProcessSamples } from './resource-types.js';
import type { TerminalAttachment, TerminalSize, TerminalViewer } from './terminal-attach.js';

export type { ProcessInfo };
export type { SupervisorEvent, WatchOptions };
export type WatchedEvent = SupervisorEvent;

/** The outcome of an action on one process. */
export interface ActionResult {
  readonly name: string;
  readonly ok: boolean;
  readonly state: ProcessState;
  readonly message: string;
}

export interface ReloadResult {
  readonly ok: boolean;
  readonly applied: boolean;
  readonly diff: ConfigDiff | null;
  /** Config problems, one formatted line each, when the file was rejected. */
  readonly errors: readonly string[];
}

export interface ProgramSummary {
  readonly name: string;
  /** The group its processes belong to: its own name unless the config's `group` says otherwise. */
  readonly group: string;
  readonly cmd: string;
  readonly numprocs: number;
  readonly autostart: boolean;
  readonly priority: number;
  readonly inUse: boolean;
  /** What supervisord's getAllConfigInfo reports of each process of the program. */
  readonly processes?: readonly ProcessConfigSummary[];
}

/** One process of a program as the config describes it (supervisorctl `avail`, XML-RPC getAllConfigInfo). */
export interface ProcessConfigSummary {
  readonly processName: string;
  readonly directory: string | null;
  readonly user: string | null;
  readonly exitCodes: readonly number[];
  readonly startRetries: number;
  readonly startSecs: number;
  readonly stopSignal: string;
  readonly stopWaitSecs: number;
  readonly stopAsGroup: boolean;
  readonly killAsGroup: boolean;
  readonly redirectStderr: boolean;
  readonly stdoutPath: string | null;
  readonly stderrPath: string | null;
  readonly stdoutMaxBytes: number;
  readonly stdoutBackups: number;
  readonly stderrMaxBytes: number;
  readonly stderrBackups: number;
}

/** Bytes of a log file by position, for supervisord's readLog and tail methods. */
export interface LogRange {
  readonly text: string;
  /** Where the bytes returned start in the file. */
  readonly start: number;
  /** The file's size when it was read. */
  readonly sizeBytes: number;
}

export interface ProcessHistory {
  readonly name: string;
  readonly runs: readonly RunRecord[];
}

export type { ProgramEntrySpec };

/** What `add` and `remove` did: the config file changed, the reload that applied it, and each process's outcome. */
export interface ProgramChangeResult {
  readonly name: string;
  readonly change: 'added' | 'removed';
  readonly file: string;
  readonly reload: ReloadResult;
  readonly results: readonly ActionResult[];
}

export type OutputStreamName = 'stdout' | 'stderr';

/** What `tail`, `maintail` and `fg` read: a process's output stream or the event log. */
export type LogSource = { readonly kind: 'process'; readonly name: string; readonly stream: OutputStreamName } | { readonly kind: 'events' };

/**
 * The one control interface. It is implemented in-process (api/local-api.ts) and over the
 * socket (control/api-client.ts); the socket server, the shell and taskmasterctl use only this.
 */
export interface SupervisorApi {
  status(names?: readonly string[]): Promise<ProcessInfo[]>;
  /** Only `fields` of each process: over the socket, a smaller answer for a big fleet; in-process, all of them may come. */
  status<Field extends keyof ProcessInfo>(names: readonly string[], fields: readonly Field[]): Promise<Pick<ProcessInfo, Field>[]>;
  start(names: readonly string[]): Promise<ActionResult[]>;
  stop(names: readonly string[]): Promise<ActionResult[]>;
  restart(names: readonly string[]): Promise<ActionResult[]>;
  signal(signal: string, names: readonly string[]): Promise<ActionResult[]>;
  reload(): Promise<ReloadResult>;
  reread(): Promise<ReloadResult>;
  /** Adds a program to the config file (comments kept) and starts it; a change that does not validate writes nothing. */
  addProgram(spec: ProgramEntrySpec): Promise<ProgramChangeResult>;
  /** Stops a program and removes it from the config file. */
  removeProgram(name: string): Promise<ProgramChangeResult>;
  avail(): Promise<ProgramSummary[]>;
  shutdown(): Promise<void>;
  version(): Promise<string>;
  /** supervisord's `identifier` (XML-RPC getIdentification); `supervisor` unless an INI config or `-i` sets it. */
  identification(): Promise<string>;
  /** The supervisor's own pid. */
  pid(): Promise<number>;
  /** The last runs of each named process: start, duration, result. */
  history(name: string): Promise<ProcessHistory[]>;
  /** The last `lines` lines; with `bytes`, the last `bytes` bytes instead (supervisorctl's tail: 1600). */
  tail(source: LogSource, lines: number, bytes?: number): Promise<string>;
  /** Calls onText with new output until the signal aborts or the supervisor goes away. */
  follow(source: LogSource, onText: (text: string) => void, signal: AbortSignal): Promise<void>;
  /** A snapshot of every process, then each state change, until the signal aborts; with `resources`, sampling runs meanwhile and each pass is an event. */
  watchEvents(onEvent: (event: SupervisorEvent) => void, signal: AbortSignal, options?: WatchOptions): Promise<void>;
  writeStdin(name: string, data: string): Promise<void>;
  /** Attaches a viewer to the terminal of a running `tty: true` process (E_NOT_A_TERMINAL for a piped one). */
  attachTerminal(name: string, size: TerminalSize, viewer: TerminalViewer): Promise<TerminalAttachment>;
  clear(name: string): Promise<ActionResult[]>;
  /** Removes the event log file and opens a fresh one (XML-RPC clearLog); E_NOT_FOUND when there is no file. */
  clearEventLog(): Promise<void>;
  /** Bytes of a log from `start` (negative: that far from the end), at most `lengthBytes` (0: to the end, capped). */
  readLogRange(source: LogSource, start: number, lengthBytes: number): Promise<LogRange>;
  /** Reads the config file for activate/deactivateProgram (supervisorctl reread/update); supervision-only changes apply at once. */
  stageConfig(): Promise<ReloadResult>;
  /** Adds a program of the staged config that is not running yet; autostart programs start. */
  activateProgram(name: string): Promise<void>;
  /** Removes a program whose processes are all stopped. */
  deactivateProgram(name: string): Promise<void>;
  /** Hands a REMOTE_COMMUNICATION event to the event listeners. */
  sendRemoteCommEvent(eventType: string, data: string): Promise<void>;
  /** The resource chart of each named process (every process when none is named). */
  samples(names: readonly string[]): Promise<ProcessSamples[]>;
  /** A fresh reading of every process and of the supervisor itself, for /metrics. */
  metrics(): Promise<MetricsSnapshot>;
}
