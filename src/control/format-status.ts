import type { ProcessInfo, ProcessState } from '../contracts/process-info.js';

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
export function formatStatusLine(process: ProcessInfo, colour: boolean): string {
  const name = process.name.padEnd(32);
  const state = process.state.padEnd(9);
  const painted = colour ? `${stateColours[process.state]}${state}\x1b[0m` : state;
  const url = process.url && process.state === 'RUNNING' ? `, ${process.url}` : '';
  return `${name} ${painted} ${process.description}${url}`.trimEnd();
}
