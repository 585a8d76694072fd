/**
 * supervisord's event types, each with the type it belongs to: a listener subscribed to a
 * type gets its subtypes too (PROCESS_STATE covers PROCESS_STATE_RUNNING; EVENT covers all).
 */
export const eventTypeParents = {
  EVENT: null,
  PROCESS_STATE: 'EVENT',
  PROCESS_STATE_STOPPED: 'PROCESS_STATE',
  PROCESS_STATE_EXITED: 'PROCESS_STATE',
  PROCESS_STATE_STARTING: 'PROCESS_STATE',
  PROCESS_STATE_STOPPING: 'PROCESS_STATE',
  PROCESS_STATE_BACKOFF: 'PROCESS_STATE',
  PROCESS_STATE_FATAL: 'PROCESS_STATE',
  PROCESS_STATE_RUNNING: 'PROCESS_STATE',
  PROCESS_STATE_UNKNOWN: 'PROCESS_STATE',
  PROCESS_COMMUNICATION: 'EVENT',
  PROCESS_COMMUNICATION_STDOUT: 'PROCESS_COMMUNICATION',
  PROCESS_COMMUNICATION_STDERR: 'PROCESS_COMMUNICATION',
  PROCESS_LOG: 'EVENT',
  PROCESS_LOG_STDOUT: 'PROCESS_LOG',
  PROCESS_LOG_STDERR: 'PROCESS_LOG',
  REMOTE_COMMUNICATION: 'EVENT',
  SUPERVISOR_STATE_CHANGE: 'EVENT',
  SUPERVISOR_STATE_CHANGE_RUNNING: 'SUPERVISOR_STATE_CHANGE',
  SUPERVISOR_STATE_CHANGE_STOPPING: 'SUPERVISOR_STATE_CHANGE',
  TICK: 'EVENT',
  TICK_5: 'TICK',
  TICK_60: 'TICK',
  TICK_3600: 'TICK',
  PROCESS_GROUP: 'EVENT',
  PROCESS_GROUP_ADDED: 'PROCESS_GROUP',
  PROCESS_GROUP_REMOVED: 'PROCESS_GROUP',
} as const;

export type EventTypeName = keyof typeof eventTypeParents;

export const eventTypeNames = Object.keys(eventTypeParents) as EventTypeName[];

export function isEventTypeName(name: string): name is EventTypeName {
  return Object.hasOwn(eventTypeParents, name);
}

/** True when a listener subscribed to `subscribed` receives an event of type `type`. */
export function isSubtypeOf(type: EventTypeName, subscribed: EventTypeName): boolean {
  for (let current: EventTypeName | null = type; current !== null; current = eventTypeParents[current]) {
    if (current === subscribed) return true;
  }
  return false;
}
