import type { ProcessInfo, ProcessState } from './process-info.js';
import type { ResourceEventMessage } from './resource-types.js';

/** A change of one process's state (or health), as the event stream sends it. */
export interface ProcessEventMessage {
  readonly type: 'state';
  readonly process: ProcessInfo;
  readonly previous: ProcessState;
}

/** Every process as it stands when a watcher joins; the deltas follow. */
export interface SnapshotMessage {
  readonly type: 'snapshot';
  readonly processes: ProcessInfo[];
}

/** Resource events come only to watchers that asked for them (`resources`). */
export type SupervisorEvent = ProcessEventMessage | SnapshotMessage | ResourceEventMessage;

export interface WatchOptions {
  /** Sample CPU and memory while this watcher is there, and send each pass as a `resources` event. */
  readonly resources?: boolean;
}

/**
 * A REMOTE_COMMUNICATION event (XML-RPC `supervisor.sendRemoteCommEvent`): whoever receives the
 * call emits it on the Supervisor under `remoteCommunicationEvent`, and event listeners get it.
 */
export interface RemoteCommunicationMessage {
  readonly type: 'remote_communication';
  /** The `type` argument of the call, given to listeners as `type:` in the payload. */
  readonly eventType: string;
  readonly data: string;
}

/** The Supervisor's EventEmitter event name that carries a RemoteCommunicationMessage. */
export const remoteCommunicationEvent = 'remote_communication';
