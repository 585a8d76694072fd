import type { EventTypeName } from '../../config/event-types.js';
import type { ProcessState } from '../../contracts/process-info.js';

/** One event on its way to listener pools; its serial is given when the first pool takes it. */
export interface ListenerEvent {
  readonly type: EventTypeName;
  readonly payload: string;
  serial: number | null;
  /** The event's number in each pool that took it (supervisord's `poolserial`). */
  readonly poolSerials: Map<string, number>;
}

export function listenerEvent(type: EventTypeName, payload: string): ListenerEvent {
  return { type, payload, serial: null, poolSerials: new Map() };
}

/** What a PROCESS_STATE_* payload tells of the process whose state changed. */
export interface StateChange {
  readonly processName: string;
  readonly groupName: string;
  readonly from: ProcessState;
  readonly to: ProcessState;
  /** Failed starts in a row (supervisord's `tries`). */
  readonly tries: number;
  readonly expected: boolean;
  /** The pid of the run concerned; 0 when there was none, as supervisord says. */
  readonly pid: number;
}

/** supervisord's PROCESS_STATE_* payload: the common fields, then what each state adds. */
export function stateChangePayload(change: StateChange): string {
  const fields = [`processname:${change.processName}`, `groupname:${change.groupName}`, `from_state:${change.from}`];
  switch (change.to) {
    case 'STARTING':
    case 'BACKOFF':
      fields.push(`tries:${change.tries}`);
      break;
    case 'EXITED':
      fields.push(`expected:${change.expected ? 1 : 0}`, `pid:${change.pid}`);
      break;
    case 'RUNNING':
    case 'STOPPING':
    case 'STOPPED':
      fields.push(`pid:${change.pid}`);
      break;
    case 'FATAL':
      break;
  }
  return fields.join(' ');
}

export function processLogPayload(processName: string, groupName: string, pid: number, channel: 'stdout' | 'stderr', data: string): string {
  return `processname:${processName} groupname:${groupName} pid:${pid} channel:${channel}\n${data}`;
}

/** A block captured between supervisord's markers (stdout_capture_maxbytes / stderr_capture_maxbytes). */
export function communicationPayload(processName: string, groupName: string, pid: number, data: string): string {
  return `processname:${processName} groupname:${groupName} pid:${pid}\n${data}`;
}

export const tickPayload = (whenSeconds: number): string => `when:${whenSeconds}`;
export const groupPayload = (groupName: string): string => `groupname:${groupName}\n`;
export const remoteCommunicationPayload = (type: string, data: string): string => `type:${type}\n${data}`;

/**
 * The header line and payload a listener reads. `len` counts characters (code points), as
 * supervisord's Python 3 does, so that childutils' text-mode `stdin.read(len)` reads exactly the payload.
 */
export function eventEnvelope(event: ListenerEvent, server: string, pool: string): string {
  const length = [...event.payload].length;
  return `ver:3.0 server:${server} serial:${event.serial ?? 0} pool:${pool} poolserial:${event.poolSerials.get(pool) ?? 0} eventname:${event.type} len:${length}\n${event.payload}`;
}
