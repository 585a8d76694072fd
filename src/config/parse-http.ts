import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { HttpListenConfig } from './types.js';
import { describe, IssueList, ok, parseBoolean, scalarOf } from './yaml-values.js';

const loopbackHost = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
const httpKeys = ['listen', 'username', 'password', 'unsafe_no_auth', 'allowed_hosts'];

/** `http: {listen, username, password}`: credentials unless `unsafe_no_auth`, which loopback alone allows. */
export function parseHttpListen(node: Node, issues: IssueList, source: string): HttpListenConfig | null {
  if (!isMap(node)) {
    issues.add(node, 'http', `expected a mapping with listen, username and password, got ${describe(node, source)}`);
    return null;
  }
  const values: Record<string, { node: Node; value: unknown }> = {};
  for (const pair of node.items) {
    const key = String(scalarOf(pair.key as Node));
    if (!httpKeys.includes(key)) {
      issues.add(pair.key as Node, `http.${key}`, `unknown key (expected ${httpKeys.join(', ')})`);
      continue;
    }
    const valueNode = (pair.value as Node | null) ?? (pair.key as Node);
    values[key] = { node: valueNode, value: scalarOf(valueNode) };
  }
  const listen = values['listen'];
  const match = /^(?:(.+):)?(\d+)$/.exec(String(listen?.value ?? ''));
  const port = match ? Number(match[2]) : NaN;
  if (!listen || !match || port < 1 || port > 65_535) {
    issues.add(listen?.node ?? node, 'http.listen', `expected a port or host:port such as 127.0.0.1:9001, got ${listen ? describe(listen.node, source) : 'nothing'}`);
    return null;
  }
  const host = (match[1] ?? '127.0.0.1').replace(/^\[|\]$/g, '');
  const username = values['username'] ? String(values['username'].value) : null;
  const password = values['password'] ? String(values['password'].value) : null;
  const unsafeField = values['unsafe_no_auth'];
  const unsafe = unsafeField ? parseBoolean(unsafeField.value) : ok(false);
  if (unsafeField && !unsafe.ok) issues.add(unsafeField.node, 'http.unsafe_no_auth', `${unsafe.expected}, got ${describe(unsafeField.node, source)}`);
  const unsafeNoAuth = unsafe.ok && unsafe.value;
  const allowedHosts = parseAllowedHosts(values['allowed_hosts'], issues, source);
  if ((username === null) !== (password === null)) {
    issues.add(node, 'http', 'username and password go together');
    return null;
  }
  if (username === '' || password === '') {
    issues.add(values['username']!.node, 'http', 'username and password must not be empty');
    return null;
  }
  if (username !== null && unsafeNoAuth) {
    issues.add(unsafeField!.node, 'http.unsafe_no_auth', 'contradicts username and password: remove one or the other');
    return null;
  }
  if (!loopbackHost.test(host) && username === null) {
    issues.add(listen.node, 'http.listen', `listening on ${host}, beyond this machine, needs a username and password`);
    return null;
  }
  if (username === null && !unsafeNoAuth) {
    issues.add(node, 'http', 'a TCP listener needs username and password: without them every local user and every web page can control taskmaster (set unsafe_no_auth: true to accept that)');
    return null;
  }
  if (allowedHosts === null) return null;
  return { host, port, username, password, unsafeNoAuth, allowedHosts };
}

/** `allowed_hosts`: names (or name:port) a client may put in its Host header, beyond the listener's own address. */
function parseAllowedHosts(field: { node: Node; value: unknown } | undefined, issues: IssueList, source: string): string[] | null {
  if (!field) return [];
  const items = isSeq(field.node) ? (field.node.items as Node[]) : [field.node];
  const names: string[] = [];
  for (const item of items) {
    const name = isScalar(item) ? String(item.value ?? '').trim().toLowerCase() : '';
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(:\d{1,5})?$/.test(name)) {
      issues.add(item, 'http.allowed_hosts', `expected a host name such as taskmaster.example or taskmaster.example:9001, got ${describe(item, source)}`);
      return null;
    }
    names.push(name);
  }
  return names;
}
