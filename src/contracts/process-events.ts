import type { ProcessInfo, ProcessState } from './process-info.js';

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

export type SupervisorEvent = ProcessEventMessage | SnapshotMessage;
