import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { isMap, isSeq, type Node } from 'yaml';
import { configLimits } from './limits.js';
import { readField, readMapping } from './parse-features.js';
import type { KeyContext, KeyParser } from './program-key.js';
import type { ListenAddress, ListenSocketConfig } from './types.js';
import { bad, describe, nonEmptyText, ok, parseWholeNumber, scalarOf, type Parsed } from './yaml-values.js';

/** The backlog systemd gives a socket by default (SOMAXCONN): connections wait there while the program restarts. */
export const defaultBacklog = 4096;
/** The longest UNIX socket path the kernel takes (sun_path holds 108 bytes with its terminator). */
const maxUnixPathBytes = 107;
/** systemd's rule for FileDescriptorName: printable ASCII without spaces or `:` (the separator), at most 255. */
const fdNamePattern = /^[\x21-\x39\x3b-\x7e]{1,255}$/;

/** `127.0.0.1:8080`, `[::1]:8080` or an absolute path (relative ones resolve against the config's folder). */
export function parseListenAddress(value: unknown, baseDir: string): Parsed<{ listen: string; address: ListenAddress }> {
  const expected = 'expected an IP address and port such as 127.0.0.1:8080 or [::1]:8080, or a UNIX socket path';
  if (typeof value !== 'string' || value.trim() === '') return bad(expected);
  if (value.startsWith('/') || value.startsWith('.')) {
    const path = isAbsolute(value) ? value : resolve(baseDir, value);
    if (Buffer.byteLength(path) > maxUnixPathBytes) return bad(`expected a UNIX socket path of at most ${maxUnixPathBytes} bytes`);
    return ok({ listen: path, address: { kind: 'unix', path } });
  }
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(value);
  if (!match && value.split(':').length > 2) return bad(`${expected} (an IPv6 address goes in brackets)`);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !Number.isInteger(port) || port < 1 || port > 65_535) return bad(expected);
  const family = isIP(host);
  if (family === 0) return bad(`${expected} (a host name is not resolved: write its address)`);
  return ok({ listen: family === 6 ? `[${host.toLowerCase()}]:${port}` : `${host}:${port}`, address: { kind: 'tcp', host, port } });
}

function parseFdName(raw: unknown): Parsed<string> {
  const text = nonEmptyText(raw);
  return text.ok && fdNamePattern.test(text.value) ? text : bad('expected a name of printable characters without spaces or :');
}

function parseSocket(node: Node, keyPath: string, programName: string, context: KeyContext): ListenSocketConfig | undefined {
  const shorthand = scalarOf(node);
  const fields = isMap(node) ? readMapping(node, keyPath, ['listen', 'name', 'backlog'], context) : undefined;
  if (isMap(node) && !fields) return undefined;
  const listenNode = fields ? fields.get('listen')?.node : node;
  if (fields && !listenNode) {
    context.issues.add(node, keyPath, 'listen is required (an address such as 127.0.0.1:8080, or a UNIX socket path)');
    return undefined;
  }
  const listenPath = fields ? `${keyPath}.listen` : keyPath;
  const parsed = parseListenAddress(fields ? scalarOf(listenNode) : shorthand, context.baseDir);
  if (!parsed.ok) context.issues.add(listenNode, listenPath, `${parsed.expected}, got ${describe(listenNode, context.source)}`);
  const before = context.issues.issues.length;
  const name = fields ? readField(fields, 'name', parseFdName, programName, context) : programName;
  const backlog = fields ? readField(fields, 'backlog', (raw) => parseWholeNumber(raw, 1, configLimits.maxBacklog), defaultBacklog, context) : defaultBacklog;
  if (!parsed.ok || context.issues.issues.length > before) return undefined;
  return { ...parsed.value, name, backlog };
}

/** `sockets: [{listen, name, backlog}]`, or plain addresses; each is bound once and passed to every run. */
export const parseSockets: KeyParser<readonly ListenSocketConfig[]> = (node, keyPath, context) => {
  if (!isSeq(node)) {
    context.issues.add(node, keyPath, `expected a list of sockets such as [{listen: "127.0.0.1:8080", name: web}], got ${describe(node, context.source)}`);
    return undefined;
  }
  if (node.items.length > configLimits.maxSocketsPerProgram) {
    context.issues.add(node, keyPath, `expected at most ${configLimits.maxSocketsPerProgram} sockets, got ${node.items.length}`);
    return undefined;
  }
  const programName = /^programs\.(.+)\.[^.]+$/.exec(keyPath)?.[1] ?? 'socket';
  const sockets = node.items.map((item, index) => parseSocket(item as Node, `${keyPath}[${index}]`, programName, context));
  return sockets.every((socket) => socket !== undefined) ? (sockets as ListenSocketConfig[]) : undefined;
};
