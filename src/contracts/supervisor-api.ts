import type { ConfigDiff } from '../config/config-diff.js';
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
  readonly cmd: string;
  readonly numprocs: number;
  readonly autostart: boolean;
  readonly priority: number;
  readonly inUse: boolean;
}

export interface ProcessHistory {
  readonly name: string;
  readonly runs: readonly RunRecord[];
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
  start(names: readonly string[]): Promise<ActionResult[]>;
  stop(names: readonly string[]): Promise<ActionResult[]>;
  restart(names: readonly string[]): Promise<ActionResult[]>;
  signal(signal: string, names: readonly string[]): Promise<ActionResult[]>;
  reload(): Promise<ReloadResult>;
  reread(): Promise<ReloadResult>;
  avail(): Promise<ProgramSummary[]>;
  shutdown(): Promise<void>;
  version(): Promise<string>;
  /** The supervisor's own pid. */
  pid(): Promise<number>;
  /** The last runs of each named process: start, duration, result. */
  history(name: string): Promise<ProcessHistory[]>;
  tail(source: LogSource, lines: number): Promise<string>;
  /** Calls onText with new output until the signal aborts or the supervisor goes away. */
  follow(source: LogSource, onText: (text: string) => void, signal: AbortSignal): Promise<void>;
  /** A snapshot of every process, then each state change, until the signal aborts; with `resources`, sampling runs meanwhile and each pass is an event. */
  watchEvents(onEvent: (event: SupervisorEvent) => void, signal: AbortSignal, options?: WatchOptions): Promise<void>;
  writeStdin(name: string, data: string): Promise<void>;
  /** Attaches a viewer to the terminal of a running `tty: true` process (E_NOT_A_TERMINAL for a piped one). */
  attachTerminal(name: string, size: TerminalSize, viewer: TerminalViewer): Promise<TerminalAttachment>;
  clear(name: string): Promise<ActionResult[]>;
  /** The resource chart of each named process (every process when none is named). */
  samples(names: readonly string[]): Promise<ProcessSamples[]>;
  /** A fresh reading of every process and of the supervisor itself, for /metrics. */
  metrics(): Promise<MetricsSnapshot>;
}
