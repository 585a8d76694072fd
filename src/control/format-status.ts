import type { ProcessInfo, ProcessState } from '../contracts/process-info.js';

/** What a status line shows of a process: a text `status` asks the supervisor for these keys only. */
export const statusLineKeys = ['name', 'state', 'description', 'url', 'lastLines', 'lastLinesStream'] as const;
export type StatusLine = Pick<ProcessInfo, (typeof statusLineKeys)[number]>;

/** Lines of a failed run that `status` shows under its process; `status NAME` shows every kept line (20). */
export const statusOutputLines = 3;

const stateColours: Record<ProcessState, string> = {
  RUNNING: '\x1b[32m',
  STARTING: '\x1b[33m',
  BACKOFF: '\x1b[33m',
  STOPPING: '\x1b[33m',
  STOPPED: '\x1b[2m',
  EXITED: '\x1b[31m',
  FATAL: '\x1b[1;31m',
};

/** One supervisorctl-style line per process: name, state, description. */
export function formatStatusLine(process: StatusLine, colour: boolean): string {
  const name = process.name.padEnd(32);
  const state = process.state.padEnd(9);
  const painted = colour ? `${stateColours[process.state]}${state}\x1b[0m` : state;
  const url = process.url && process.state === 'RUNNING' ? `, ${process.url}` : '';
  return `${name} ${painted} ${process.description}${url}`.trimEnd();
}

/**
 * The status line and, for a failed run, the last lines it wrote, indented under it:
 * `statusOutputLines` of them, or all that are kept when `detailed`.
 */
export function formatStatus(process: StatusLine, colour: boolean, detailed: boolean): string {
  // Strings only, no arrays, for the line of every process: `status` of a big fleet formats a thousand of them cold.
  const line = `${formatStatusLine(process, colour)}\n`;
  const stream = process.lastLinesStream;
  if (stream === null) return line;
  const shown = detailed ? process.lastLines : process.lastLines.slice(-statusOutputLines);
  if (shown.length === 0) return `${line}    (it wrote nothing to stdout or stderr)\n`;
  return line + shown.map((output) => `    ${stream}| ${output}\n`).join('');
}
