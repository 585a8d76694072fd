import { resolve } from 'node:path';
import { isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import { didYouMean } from './did-you-mean.js';
import { configLimits } from './limits.js';
import type { KeyContext, KeyParser } from './program-key.js';
import {
  notifyEvents,
  type CrashLoopConfig,
  type Dependency,
  type DependencyCondition,
  type HealthcheckConfig,
  type HeartbeatConfig,
  type HookConfig,
  type NotifyConfig,
  type NotifyEvent,
  type PortConfig,
  type Probe,
  type ReadyConfig,
  type ReadyProbe,
} from './types.js';
import { bad, describe, nonEmptyText, ok, oneOf, parseBoolean, parseDuration, parseWholeNumber, readScalar, scalarOf, type Field, type Parsed } from './yaml-values.js';

type Fields = Map<string, Field>;

/** Protective defaults: three quick restarts, then 1 s, 2 s, 4 s ... up to a minute, never FATAL. */
export const defaultCrashLoop: CrashLoopConfig = { quickExitMs: 10_000, burst: 3, delayMs: 1000, maxDelayMs: 60_000, limit: 0 };

/** The keys of a nested mapping, with unknown ones reported; undefined if it is no mapping. */
export function readMapping(node: Node, keyPath: string, allowed: readonly string[], context: KeyContext): Fields | undefined {
  if (!isMap(node)) {
    context.issues.add(node, keyPath, `expected a mapping with ${allowed.join(', ')}, got ${describe(node, context.source)}`);
    return undefined;
  }
  const fields: Fields = new Map();
  for (const pair of (node as YAMLMap).items) {
    const keyNode = pair.key as Node;
    const key = String(scalarOf(keyNode));
    if (!allowed.includes(key)) {
      const hint = didYouMean(key, allowed);
      context.issues.add(keyNode, `${keyPath}.${key}`, `unknown key${hint ? ` (did you mean ${hint}?)` : ''}`);
      continue;
    }
    fields.set(key, { node: (pair.value as Node | null) ?? keyNode, keyPath: `${keyPath}.${key}` });
  }
  return fields;
}

export function readField<T>(fields: Fields, key: string, parse: (value: unknown) => Parsed<T>, fallback: T, context: KeyContext): T {
  const field = fields.get(key);
  return field ? (readScalar(field, parse, context.issues, context.source) ?? fallback) : fallback;
}

/** A sub-key that must be there and not empty; undefined once reported. */
function requiredText(fields: Fields, key: string, node: Node, keyPath: string, context: KeyContext): string | undefined {
  const value = readField(fields, key, nonEmptyText, '', context);
  if (value !== '') return value;
  context.issues.add(node, keyPath, `${key} is required`);
  return undefined;
}

const probeInterval = (value: unknown): Parsed<number> => parseDuration(value, configLimits.minProbeIntervalMs);

function parseProbe(fields: Fields, node: Node, keyPath: string, context: KeyContext): Probe | undefined {
  const kinds = (['cmd', 'http', 'tcp'] as const).filter((kind) => fields.has(kind));
  if (kinds.length !== 1) {
    context.issues.add(node, keyPath, `expected exactly one of cmd, http or tcp, got ${kinds.length === 0 ? 'none' : kinds.join(' and ')}`);
    return undefined;
  }
  const kind = kinds[0]!;
  const value = readField(fields, kind, nonEmptyText, '', context);
  if (value === '') return undefined;
  if (kind === 'http') {
    if (!/^https?:\/\//.test(value)) {
      context.issues.add(fields.get(kind)!.node, `${keyPath}.http`, `expected an http:// or https:// URL, got ${value}`);
      return undefined;
    }
    return { kind, url: value };
  }
  if (kind === 'tcp') {
    if (!/^.+:(\d+|\{port\})$/.test(value)) {
      context.issues.add(fields.get(kind)!.node, `${keyPath}.tcp`, `expected host:port, got ${value}`);
      return undefined;
    }
    return { kind, address: value };
  }
  return { kind, cmd: value };
}

/** `notify: true` waits for the child's READY=1 and excludes the probes. */
function parseNotifyProbe(fields: Fields, node: Node, keyPath: string, context: KeyContext): ReadyProbe | undefined {
  const others = (['cmd', 'http', 'tcp'] as const).filter((kind) => fields.has(kind));
  if (others.length > 0) {
    context.issues.add(node, keyPath, `expected exactly one of cmd, http, tcp or notify, got notify and ${others.join(' and ')}`);
    return undefined;
  }
  const wanted = readField(fields, 'notify', parseBoolean, false, context);
  if (!wanted) {
    context.issues.add(fields.get('notify')!.node, `${keyPath}.notify`, 'expected true (leave the key out for no notify check)');
    return undefined;
  }
  return { kind: 'notify' };
}

export const parseHealthcheck: KeyParser<HealthcheckConfig | null> = (node, keyPath, context) => {
  const fields = readMapping(node, keyPath, ['cmd', 'http', 'tcp', 'interval', 'timeout', 'retries', 'start_period', 'on_unhealthy'], context);
  if (!fields) return null;
  const probe = parseProbe(fields, node, keyPath, context);
  const check: HealthcheckConfig = {
    probe: probe ?? { kind: 'cmd', cmd: 'true' },
    intervalMs: readField(fields, 'interval', probeInterval, 30_000, context),
    timeoutMs: readField(fields, 'timeout', parseDuration, 30_000, context),
    retries: readField(fields, 'retries', (raw) => parseWholeNumber(raw, 1, configLimits.maxRetries), 3, context),
    startPeriodMs: readField(fields, 'start_period', parseDuration, 0, context),
    onUnhealthy: readField(fields, 'on_unhealthy', oneOf(['restart', 'ignore'] as const), 'restart', context),
  };
  return probe ? check : null;
};

export const parseReady: KeyParser<ReadyConfig | null> = (node, keyPath, context) => {
  // `ready: notify` is `{notify: true}` with the default deadline.
  if (scalarOf(node) === 'notify') return { probe: { kind: 'notify' }, intervalMs: 500, timeoutMs: 5000, deadlineMs: 60_000 };
  const fields = readMapping(node, keyPath, ['cmd', 'http', 'tcp', 'notify', 'interval', 'timeout', 'deadline'], context);
  if (!fields) return null;
  const probe = fields.has('notify') ? parseNotifyProbe(fields, node, keyPath, context) : parseProbe(fields, node, keyPath, context);
  if (!probe) return null;
  return {
    probe,
    intervalMs: readField(fields, 'interval', probeInterval, 500, context),
    timeoutMs: readField(fields, 'timeout', parseDuration, 5000, context),
    deadlineMs: readField(fields, 'deadline', parseDuration, 60_000, context),
  };
};

export const parseHeartbeat: KeyParser<HeartbeatConfig | null> = (node, keyPath, context) => {
  const fields = readMapping(node, keyPath, ['file', 'timeout'], context);
  if (!fields) return null;
  const file = requiredText(fields, 'file', node, keyPath, context);
  if (file === undefined) return null;
  return { file: resolve(context.baseDir, file), timeoutMs: readField(fields, 'timeout', parseDuration, 60_000, context) };
};

export const parseHook: KeyParser<HookConfig | null> = (node, keyPath, context) => {
  const direct = scalarOf(node);
  if (typeof direct === 'string' && direct.trim() !== '') return { cmd: direct, timeoutMs: 30_000 };
  const fields = readMapping(node, keyPath, ['cmd', 'timeout'], context);
  if (!fields) return null;
  const cmd = requiredText(fields, 'cmd', node, keyPath, context);
  if (cmd === undefined) return null;
  return { cmd, timeoutMs: readField(fields, 'timeout', parseDuration, 30_000, context) };
};

export const parseDependsOn: KeyParser<Dependency[]> = (node, keyPath, context) => {
  const conditions: readonly DependencyCondition[] = ['started', 'healthy', 'completed_successfully'];
  if (isSeq(node)) {
    return node.items.map((item) => ({ name: String(scalarOf(item as Node)), condition: 'started' as const }));
  }
  if (!isMap(node)) {
    context.issues.add(node, keyPath, `expected a list of programs or a mapping of program to condition, got ${describe(node, context.source)}`);
    return [];
  }
  return node.items.flatMap((pair) => {
    const name = String(scalarOf(pair.key as Node));
    const valueNode = (pair.value as Node | null) ?? (pair.key as Node);
    const condition = scalarOf(valueNode) ?? 'started';
    if (!conditions.includes(condition as DependencyCondition)) {
      context.issues.add(valueNode, `${keyPath}.${name}`, `expected ${conditions.join(', ')}, got ${describe(valueNode, context.source)}`);
      return [];
    }
    return [{ name, condition: condition as DependencyCondition }];
  });
};

export function parsePort(value: unknown): Parsed<PortConfig> {
  if (value === 'auto') return ok({ kind: 'auto' });
  const match = /^(\d+)(?:-(\d+))?$/.exec(String(value));
  if (match) {
    const from = Number(match[1]);
    const to = Number(match[2] ?? match[1]);
    if (from >= 1 && to <= 65_535 && from <= to) return ok({ kind: 'range', from, to });
  }
  return bad('expected auto, a port, or a range such as 8888-8899');
}

export const parseNotify: KeyParser<NotifyConfig | null> = (node, keyPath, context) => {
  const fields = readMapping(node, keyPath, ['on', 'url', 'cmd'], context);
  if (!fields) return null;
  let events: NotifyEvent[] = [...notifyEvents];
  const onField = fields.get('on');
  if (onField) {
    const items = isSeq(onField.node) ? onField.node.items.map((item) => scalarOf(item as Node)) : [scalarOf(onField.node)];
    const unknown = items.filter((item) => !notifyEvents.includes(item as NotifyEvent));
    if (unknown.length > 0) context.issues.add(onField.node, onField.keyPath, `expected events among ${notifyEvents.join(', ')}, got ${unknown.join(', ')}`);
    events = items.filter((item): item is NotifyEvent => notifyEvents.includes(item as NotifyEvent));
  }
  const url = readField<string | null>(fields, 'url', (raw) => (typeof raw === 'string' && /^https?:\/\//.test(raw) ? ok(raw) : bad('expected an http:// or https:// URL')), null, context);
  const cmd = readField<string | null>(fields, 'cmd', nonEmptyText, null, context);
  if (url === null && cmd === null) context.issues.add(node, keyPath, 'expected url or cmd (or both)');
  return { events, url, cmd };
};

/** `crash_loop: false` turns the backoff off; a mapping overrides some of the defaults. */
export const parseCrashLoop: KeyParser<CrashLoopConfig | null> = (node, keyPath, context) => {
  const direct = scalarOf(node);
  if (direct === false || direct === 'off') return null;
  if (direct === true || direct === 'on') return defaultCrashLoop;
  const fields = readMapping(node, keyPath, ['quick_exit', 'burst', 'delay', 'max_delay', 'limit'], context);
  if (!fields) return defaultCrashLoop;
  const config: CrashLoopConfig = {
    quickExitMs: readField(fields, 'quick_exit', parseDuration, defaultCrashLoop.quickExitMs, context),
    burst: readField(fields, 'burst', (raw) => parseWholeNumber(raw, 0), defaultCrashLoop.burst, context),
    delayMs: readField(fields, 'delay', parseDuration, defaultCrashLoop.delayMs, context),
    maxDelayMs: readField(fields, 'max_delay', parseDuration, defaultCrashLoop.maxDelayMs, context),
    limit: readField(fields, 'limit', (raw) => parseWholeNumber(raw, 0), defaultCrashLoop.limit, context),
  };
  if (config.maxDelayMs < config.delayMs) context.issues.add(fields.get('max_delay')?.node ?? node, `${keyPath}.max_delay`, `must be at least delay (${config.delayMs / 1000}s)`);
  return config;
};
