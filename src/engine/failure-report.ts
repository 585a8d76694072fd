import type { LastOutput, ProcessInfo } from '../contracts/process-info.js';
import { recentLineCount } from '../output/recent-lines.js';
import type { EventLog } from './event-log.js';
import type { RunOutput } from './run-output.js';
import { describeExit, type ProcessSnapshot } from './state-machine.js';

/** Lines of a failed run that status and the event log show; `status NAME` shows all that are kept. */
export const failureLineCount = 3;

/** The states a failed run leaves a process in: BACKOFF, FATAL, and EXITED after an unexpected exit. */
export function hasFailed(snapshot: ProcessSnapshot): boolean {
  return snapshot.state === 'BACKOFF' || snapshot.state === 'FATAL' || (snapshot.state === 'EXITED' && snapshot.exitExpected === false);
}

/** True when the failure is how a run ended, not a spawn that failed: then the run's last lines say why. */
export function failedByExit(snapshot: ProcessSnapshot): boolean {
  return hasFailed(snapshot) && snapshot.backoffKind !== 'resources' && (snapshot.exitCode !== null || snapshot.signal !== null);
}

/** `exit status 3`, `terminated by SIGKILL`, or the spawn error; null unless a run or a start failed. */
export function exitReasonOf(snapshot: ProcessSnapshot): string | null {
  if (!hasFailed(snapshot)) return null;
  if (!failedByExit(snapshot)) return snapshot.spawnError;
  return `${describeExit(snapshot.exitCode, snapshot.signal)}${snapshot.timedOut ? '; timed out' : ''}`;
}

/** What status says of a failure; all empty unless a run or a start failed. */
export type FailureFields = Pick<ProcessInfo, 'exitReason' | 'lastLines' | 'lastLinesStream' | 'lastLinesFile'>;

/** The reason and, when a run failed, its last lines (as many as are kept) and the file with the rest. */
export function failureOf(snapshot: ProcessSnapshot, run: RunOutput | null): FailureFields {
  const output = failedByExit(snapshot) ? run?.last(recentLineCount) : undefined;
  return { exitReason: exitReasonOf(snapshot), lastLines: output?.lines ?? [], lastLinesStream: output?.stream ?? null, lastLinesFile: output?.file ?? null };
}

/** What an alert says of a failure: why, and the last lines of the run that failed (null when none did, e.g. a spawn error). */
export interface FailureReport {
  readonly reason: string | null;
  readonly output: LastOutput | null;
}

/**
 * The reason and last lines of the failure a process is in, once that run's pipes have
 * ended (at most 2 s). Call it from a state change, before an immediate restart begins
 * the next run: what it reports is taken at the call.
 */
export async function failureReportOf(process: { readonly snapshot: ProcessSnapshot; readonly output: { readonly lastRun: { lastSettled(lines: number): Promise<LastOutput> } | null } }, lines = failureLineCount): Promise<FailureReport> {
  const snapshot = process.snapshot;
  const output = failedByExit(snapshot) ? (process.output.lastRun?.lastSettled(lines) ?? Promise.resolve(null)) : Promise.resolve(null);
  return { reason: exitReasonOf(snapshot), output: await output };
}

/** Where the whole of a stream is, as the event log and status say it. */
export function whereOutputIs(output: LastOutput): string {
  return output.file === null ? `${output.stream}, not kept in a file` : `${output.stream} in ${output.file}`;
}

/**
 * Writes the last lines of a failed run into the event log, on the line after its
 * `exited:` (and `gave up:`), once its pipes have ended so that its final words are in.
 */
export async function logLastOutput(log: EventLog, processName: string, pid: number | null, reason: string, run: RunOutput): Promise<void> {
  await run.settled();
  const output = run.last(failureLineCount);
  const fields = { reason, stream: output.stream, file: output.file, lines: output.lines };
  const context = { event: 'last_output', process: processName, pid, fields };
  if (output.lines.length === 0) {
    log.info(`last output of ${processName} (${reason}): nothing on stdout or stderr`, context);
    return;
  }
  log.info(`last output of ${processName} (${reason}; ${whereOutputIs(output)}):\n${output.lines.map((line) => `    ${line}`).join('\n')}`, context);
}
