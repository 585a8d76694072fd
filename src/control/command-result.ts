import type { ActionResult, LogSource, ProcessHistory, ProcessInfo, ProgramSummary, ReloadResult } from '../contracts/supervisor-api.js';

/** A command's exit status: 0 ok, 1 an action failed, 2 usage, 3 a status listed a process not RUNNING. */
export type ExitStatus = 0 | 1 | 2 | 3;

export interface CommandHelp {
  readonly usage: string;
  readonly summary: string;
}

/**
 * What a command found or did, as data: the shell and taskmasterctl print it as text or
 * JSON, and any later front end (XML-RPC, web) formats it its own way.
 */
export type CommandResult =
  | { readonly kind: 'nothing' }
  /** `detailed`: processes were named, so a failed run shows all its kept lines. */
  | { readonly kind: 'status'; readonly processes: readonly ProcessInfo[]; readonly detailed: boolean }
  | { readonly kind: 'actions'; readonly results: readonly ActionResult[] }
  | { readonly kind: 'reload'; readonly result: ReloadResult }
  | { readonly kind: 'supervisor-pid'; readonly pid: number }
  | { readonly kind: 'process-pids'; readonly processes: readonly ProcessInfo[] }
  /** Text already read; with `follow` set, the front end keeps streaming that source. */
  | { readonly kind: 'tail'; readonly source: LogSource; readonly text: string; readonly follow: boolean }
  /** The front end attaches its user to this running process (`fg`). */
  | { readonly kind: 'attach'; readonly process: ProcessInfo }
  /** The front end hands its screen to the live full-screen view (`top`). */
  | { readonly kind: 'top' }
  | { readonly kind: 'history'; readonly histories: readonly ProcessHistory[] }
  | { readonly kind: 'avail'; readonly programs: readonly ProgramSummary[] }
  | { readonly kind: 'shutdown' }
  | { readonly kind: 'version'; readonly version: string }
  | { readonly kind: 'help'; readonly topic: CommandHelp | null; readonly commands: readonly CommandHelp[] };

/** The exit status a result stands for, whatever the front end prints. */
export function exitStatusOf(result: CommandResult): ExitStatus {
  switch (result.kind) {
    case 'status':
      return result.processes.every((process) => process.state === 'RUNNING') ? 0 : 3;
    case 'actions':
      return result.results.every((action) => action.ok) ? 0 : 1;
    case 'reload':
      return result.result.ok ? 0 : 1;
    case 'process-pids':
      return result.processes.every((process) => process.pid !== null) ? 0 : 1;
    case 'nothing':
    case 'supervisor-pid':
    case 'tail':
    case 'attach':
    case 'top':
    case 'history':
    case 'avail':
    case 'shutdown':
    case 'version':
    case 'help':
      return 0;
  }
}
