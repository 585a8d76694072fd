import { resolve } from 'node:path';
import { isSeq, type Node } from 'yaml';
import { readField, readMapping, requiredText, type Fields } from './parse-features.js';
import type { KeyContext, KeyParser } from './program-key.js';
import { defaultNotifyEvents, notifyEvents, type EmailConfig, type NotifyConfig, type NotifyEvent, type SyslogTarget } from './types.js';
import { bad, nonEmptyText, ok, parseBoolean, parseDuration, parseWholeNumber, scalarOf, type Parsed } from './yaml-values.js';

/** Five alerts per process in five minutes; the rest are counted and summarised. */
export const defaultRateLimit = { count: 5, perMs: 300_000 } as const;
const defaultSmtpPort = 587;
const defaultSyslogPort = 514;

/**
 * A secret written as `${NAME}` (whole, or inside the text) comes from Taskmaster's
 * environment, so it need not sit in the file; an unset variable is a config error.
 */
function readSecret(fields: Fields, key: string, context: KeyContext): string | null {
  const raw = readField<string | null>(fields, key, nonEmptyText, null, context);
  if (raw === null) return null;
  const missing: string[] = [];
  const value = raw.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_whole, name: string) => {
    const found = process.env[name];
    if (found === undefined) missing.push(name);
    return found ?? '';
  });
  const field = fields.get(key)!;
  if (missing.length > 0) context.issues.add(field.node, field.keyPath, `environment variable ${missing.join(', ')} is not set`);
  return missing.length > 0 ? null : value;
}

function hostAndPort(text: string, defaultPort: number): { host: string; port: number } | undefined {
  const match = /^(\[[^\]]+\]|[^:/\s]+)(?::(\d{1,5}))?$/.exec(text);
  if (!match) return undefined;
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (port < 1 || port > 65_535) return undefined;
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

export function parseSyslogTarget(value: unknown): Parsed<SyslogTarget> {
  const expected = 'expected true, a socket path such as /dev/log, udp://host:port or tcp://host:port';
  if (value === true || value === 'true') return ok({ kind: 'unix', path: '/dev/log' });
  if (typeof value !== 'string') return bad(expected);
  if (value.startsWith('/')) return ok({ kind: 'unix', path: value });
  const match = /^(udp|tcp):\/\/(.+)$/.exec(value);
  const address = match ? hostAndPort(match[2]!, defaultSyslogPort) : undefined;
  return match && address ? ok({ kind: match[1] as 'udp' | 'tcp', ...address }) : bad(expected);
}

const emailAddress = (value: unknown): Parsed<string> => (typeof value === 'string' && /^[^\s@]+@[^\s@]+$/.test(value) ? ok(value) : bad('expected an email address'));

function readAddresses(fields: Fields, node: Node, keyPath: string, context: KeyContext): string[] {
  const field = fields.get('to');
  if (!field) {
    context.issues.add(node, keyPath, 'to is required');
    return [];
  }
  const items = isSeq(field.node) ? (field.node.items as Node[]) : [field.node];
  return items.flatMap((item, index) => {
    const parsed = emailAddress(scalarOf(item));
    if (parsed.ok) return [parsed.value];
    context.issues.add(item, isSeq(field.node) ? `${field.keyPath}[${index}]` : field.keyPath, `${parsed.expected}, got ${String(scalarOf(item))}`);
    return [];
  });
}

function parseEmail(node: Node, keyPath: string, context: KeyContext): EmailConfig | null {
  const fields = readMapping(node, keyPath, ['to', 'from', 'server', 'starttls', 'user', 'password', 'ca'], context);
  if (!fields) return null;
  const to = readAddresses(fields, node, keyPath, context);
  const from = readField<string | null>(fields, 'from', emailAddress, null, context);
  if (!fields.has('from')) context.issues.add(node, keyPath, 'from is required');
  const server = requiredText(fields, 'server', node, keyPath, context);
  const address = server === undefined ? undefined : hostAndPort(server, defaultSmtpPort);
  if (server !== undefined && !address) context.issues.add(fields.get('server')!.node, `${keyPath}.server`, `expected host or host:port, got ${server}`);
  const user = readSecret(fields, 'user', context);
  const password = readSecret(fields, 'password', context);
  if (fields.has('user') !== fields.has('password')) context.issues.add(node, keyPath, 'user and password go together');
  const ca = readField<string | null>(fields, 'ca', nonEmptyText, null, context);
  if (to.length === 0 || from === null || !address) return null;
  return {
    to,
    from,
    ...address,
    starttls: readField(fields, 'starttls', parseBoolean, true, context),
    user,
    password,
    caFile: ca === null ? null : resolve(context.baseDir, ca),
  };
}

function parseRateLimit(fields: Fields, context: KeyContext): NotifyConfig['rateLimit'] {
  const field = fields.get('rate_limit');
  if (!field) return defaultRateLimit;
  const limit = readMapping(field.node, field.keyPath, ['count', 'per'], context);
  if (!limit) return defaultRateLimit;
  return {
    count: readField(limit, 'count', (raw) => parseWholeNumber(raw, 1, 10_000), defaultRateLimit.count, context),
    perMs: readField(limit, 'per', (raw) => parseDuration(raw, 1000), defaultRateLimit.perMs, context),
  };
}

function readEvents(fields: Fields, context: KeyContext): NotifyEvent[] {
  const onField = fields.get('on');
  if (!onField) return [...defaultNotifyEvents];
  const items = isSeq(onField.node) ? onField.node.items.map((item) => scalarOf(item as Node)) : [scalarOf(onField.node)];
  const unknown = items.filter((item) => !notifyEvents.includes(item as NotifyEvent));
  if (unknown.length > 0) context.issues.add(onField.node, onField.keyPath, `expected events among ${notifyEvents.join(', ')}, got ${unknown.join(', ')}`);
  return items.filter((item): item is NotifyEvent => notifyEvents.includes(item as NotifyEvent));
}

const webhookUrl = (raw: unknown): Parsed<string> => (typeof raw === 'string' && /^https?:\/\/[^\s]+$/.test(raw) ? ok(raw) : bad('expected an http:// or https:// URL'));

export const parseNotify: KeyParser<NotifyConfig | null> = (node, keyPath, context) => {
  const fields = readMapping(node, keyPath, ['on', 'url', 'secret', 'cmd', 'syslog', 'email', 'rate_limit'], context);
  if (!fields) return null;
  const url = readField<string | null>(fields, 'url', webhookUrl, null, context);
  const secret = readSecret(fields, 'secret', context);
  if (fields.has('secret') && !fields.has('url')) context.issues.add(fields.get('secret')!.node, `${keyPath}.secret`, 'signs the webhook: it needs url');
  const cmd = readField<string | null>(fields, 'cmd', nonEmptyText, null, context);
  const syslog = readField<SyslogTarget | null>(fields, 'syslog', parseSyslogTarget, null, context);
  const emailField = fields.get('email');
  const email = emailField ? parseEmail(emailField.node, emailField.keyPath, context) : null;
  if (!['url', 'cmd', 'syslog', 'email'].some((key) => fields.has(key))) context.issues.add(node, keyPath, 'expected at least one of url, cmd, syslog or email');
  return { events: readEvents(fields, context), url, secret, cmd, syslog, email, rateLimit: parseRateLimit(fields, context) };
};
