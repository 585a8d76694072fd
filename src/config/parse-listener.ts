import { isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import { didYouMean } from './did-you-mean.js';
import { eventTypeNames, isEventTypeName, type EventTypeName } from './event-types.js';
import { configLimits } from './limits.js';
import type { KeyParser } from './program-key.js';
import type { ListenerConfig } from './types.js';
import { describe, parseWholeNumber, readScalar, scalarOf } from './yaml-values.js';

/** supervisord's default: ten events wait for a busy pool before the oldest is discarded. */
export const defaultListenerBuffer = 10;

/** One item of `events` (a list, or supervisord's comma-separated line); null once reported. */
function readEventTypes(node: Node, keyPath: string, context: Parameters<KeyParser<unknown>>[2]): EventTypeName[] | null {
  const items: { name: string; node: Node }[] = [];
  if (isSeq(node)) {
    for (const item of node.items as Node[]) items.push({ name: String(scalarOf(item) ?? ''), node: item });
  } else if (typeof scalarOf(node) === 'string') {
    for (const name of String(scalarOf(node)).split(/[\s,]+/).filter(Boolean)) items.push({ name, node });
  } else {
    context.issues.add(node, keyPath, `expected a list of event types such as [PROCESS_STATE, TICK_60], got ${describe(node, context.source)}`);
    return null;
  }
  if (items.length === 0) context.issues.add(node, keyPath, 'expected at least one event type');
  const names: EventTypeName[] = [];
  for (const item of items) {
    if (isEventTypeName(item.name)) {
      if (!names.includes(item.name)) names.push(item.name);
      continue;
    }
    const hint = didYouMean(item.name.toUpperCase(), eventTypeNames);
    context.issues.add(item.node, keyPath, `unknown event type ${item.name}${hint ? ` (did you mean ${hint}?)` : ''}`);
  }
  return items.length > 0 && names.length === items.length ? names : null;
}

/** `listener: {events, buffer_size}` makes a program an event listener pool. */
export const parseListener: KeyParser<ListenerConfig | null> = (node, keyPath, context) => {
  if (!isMap(node)) {
    context.issues.add(node, keyPath, `expected a mapping with events, buffer_size, got ${describe(node, context.source)}`);
    return null;
  }
  let events: EventTypeName[] | null = null;
  let bufferSize = defaultListenerBuffer;
  let eventsSeen = false;
  for (const pair of (node as YAMLMap).items) {
    const keyNode = pair.key as Node;
    const key = String(scalarOf(keyNode));
    const valueNode = (pair.value as Node | null) ?? keyNode;
    if (key === 'events') {
      eventsSeen = true;
      events = readEventTypes(valueNode, `${keyPath}.events`, context);
    } else if (key === 'buffer_size') {
      bufferSize = readScalar({ node: valueNode, keyPath: `${keyPath}.buffer_size` }, (raw) => parseWholeNumber(raw, 1, configLimits.maxListenerBuffer), context.issues, context.source) ?? bufferSize;
    } else {
      const hint = didYouMean(key, ['events', 'buffer_size']);
      context.issues.add(keyNode, `${keyPath}.${key}`, `unknown key${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
  }
  if (!eventsSeen) context.issues.add(node, keyPath, 'events is required (the event types it listens to)');
  return events === null ? null : { events, bufferSize };
};
