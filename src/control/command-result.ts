import type { ProcessState } from '../contracts/process-info.js';
import type { StatusLine } from './format-status.js';
import type { ProgramChangeResult, ActionResult, LogSource, ProcessHistory, ProcessInfo, ProgramSummary, ReloadResult } from '../contracts/supervisor-api.js';

/**
 * A command's exit status, supervisorctl's (its LSB init and status codes): 0 ok, 1 an action
 * failed, 2 usage, 3 a status listed a stopped process, 4 a status named an unknown process,
 * 7 an action failed because the process is not running (a spawn error) or no supervisor answers.
 */
export type ExitStatus = 0 | 1 | 2 | 3 | 4 | 7;

/** The states supervisorctl's status counts as not running (its STOPPED_STATES). */
const stoppedStates: readonly ProcessState[] = ['STOPPED', 'EXITED', 'FATAL'];

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
  /**
   * `detailed`: processes were named, so a failed run shows all its kept lines; `missing`: the names asked for that name no process.
   * `processes` hold every key of ProcessInfo when printed as JSON, a status line's keys otherwise.
   */
  | { readonly kind: 'status'; readonly processes: readonly StatusLine[]; readonly detailed: boolean; readonly missing: readonly string[] }
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
  | { readonly kind: 'program-change'; readonly result: ProgramChangeResult }
  /** Printed as it is, also with --json (a completion script). */
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'shutdown' }
  | { readonly kind: 'version'; readonly version: string }
  | { readonly kind: 'help'; readonly topic: CommandHelp | null; readonly commands: readonly CommandHelp[] };

/**
 * supervisorctl exits 7 for its SPAWN_ERROR, ABNORMAL_TERMINATION and NOT_RUNNING faults: a start
 * that ended in a spawn error or FATAL, or an action on a process that is not running. A start
 * held by a dependency, or a clear that failed, is a plain failure (1).
 */
function isNotRunningFault(action: ActionResult): boolean {
  return action.message.startsWith('spawn error') || action.message.startsWith('ended ') || action.message === 'not running';
}

/** The exit status a result stands for, whatever the front end prints. */
export function exitStatusOf(result: CommandResult): ExitStatus {
  switch (result.kind) {
    case 'status':
      if (result.missing.length > 0) return 4;
      return result.processes.some((process) => stoppedStates.includes(process.state)) ? 3 : 0;
    case 'actions':
    case 'program-change': {
      const failed = (result.kind === 'actions' ? result.results : result.result.results).filter((action) => !action.ok);
      if (failed.length === 0) return 0;
      return failed.every(isNotRunningFault) ? 7 : 1;
    }
    case 'reload':
      return result.result.ok ? 0 : 1;
    case 'process-pids':
      return result.processes.every((process) => process.pid !== null) ? 0 : 7;
    case 'nothing':
    case 'supervisor-pid':
    case 'tail':
    case 'attach':
    case 'top':
    case 'history':
    case 'avail':
    case 'text':
    case 'shutdown':
    case 'version':
    case 'help':
      return 0;
  }
}
