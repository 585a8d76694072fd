import { html } from './html.js';
import type { ProcessState } from './types.js';

/** Each state has its own shape as well as its colour, so it reads without colour too. */
export const stateIcons: Record<ProcessState, string> = {
  RUNNING: '●',
  STARTING: '◔',
  BACKOFF: '↻',
  STOPPING: '◑',
  EXITED: '■',
  FATAL: '✖',
  STOPPED: '○',
};

export function StateBadge({ state }: { state: ProcessState }) {
  return html`<span class=${`badge state-${state}`} data-state=${state}><span aria-hidden="true">${stateIcons[state] ?? '?'}</span> ${state}</span>`;
}
