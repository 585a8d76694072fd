import type { IncomingHttpHeaders } from 'node:http';
import { TaskmasterError } from '../contracts/errors.js';

/** The Host values a listener answers to; `null` means any (the UNIX socket, which no browser reaches). */
export type AllowedHosts = ReadonlySet<string> | null;

const loopbackNames = ['localhost', '127.0.0.1', '[::1]'];
const wildcardHosts = new Set(['0.0.0.0', '::', '']);

function bracketed(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Every `host:port` a client of a TCP listener may name: its own address, the loopback names
 * when it is on loopback, the machine's addresses when it listens on all of them, and `allowed_hosts`
 * (a bare name there allows it with this port and without one).
 */
export function allowedHostsFor(listenHost: string, port: number, extraNames: readonly string[], machineAddresses: readonly string[] = []): Set<string> {
  const host = listenHost.toLowerCase();
  const names = new Set<string>();
  const add = (name: string): void => {
    names.add(`${name}:${port}`);
  };
  if (!wildcardHosts.has(host)) add(bracketed(host));
  const loopback = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(host) || wildcardHosts.has(host);
  if (loopback) loopbackNames.forEach(add);
  if (wildcardHosts.has(host)) machineAddresses.forEach((address) => add(bracketed(address.toLowerCase())));
  for (const extra of extraNames) {
    if (/:\d+$/.test(extra)) {
      names.add(extra);
    } else {
      add(extra);
      names.add(extra);
    }
  }
  return names;
}

/** A foreign Host is how DNS rebinding reaches a loopback listener: refuse it. */
export function checkHost(host: string | undefined, allowed: AllowedHosts): TaskmasterError | null {
  if (allowed === null) return null;
  if (host === undefined || host === '') return new TaskmasterError('E_FORBIDDEN', 'a Host header is required');
  if (!allowed.has(host.toLowerCase())) return new TaskmasterError('E_FORBIDDEN', `Host ${host} is not this listener's address (see http.allowed_hosts)`, { host });
  return null;
}

export function isStateChanging(method: string | undefined): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

/**
 * A state-changing request sent by a page from another origin (cross-site request forgery):
 * refused when its Origin is not one of ours, or the browser marks it cross-site or same-site.
 */
export function checkOrigin(method: string | undefined, headers: IncomingHttpHeaders, allowed: AllowedHosts): TaskmasterError | null {
  if (!isStateChanging(method)) return null;
  const fetchSite = headers['sec-fetch-site'];
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    return new TaskmasterError('E_FORBIDDEN', `refusing a ${fetchSite} request (Sec-Fetch-Site)`, { secFetchSite: fetchSite });
  }
  const origin = headers.origin;
  if (origin === undefined) return null;
  let originHost: string | null = null;
  try {
    const url = new URL(origin);
    if (url.protocol === 'http:' || url.protocol === 'https:') originHost = url.host.toLowerCase();
  } catch {
    originHost = null;
  }
  const sameAsHost = originHost !== null && originHost === headers.host?.toLowerCase();
  const known = originHost !== null && (allowed === null ? sameAsHost : allowed.has(originHost) && sameAsHost);
  if (!known) return new TaskmasterError('E_FORBIDDEN', `refusing a request from origin ${origin}`, { origin });
  return null;
}

/** The XML-RPC endpoint, where supervisorctl posts text/xml. */
export const xmlRpcPath = '/RPC2';

/**
 * Only JSON bodies, and text/xml to XML-RPC: a form or text/plain POST (which a browser sends
 * cross-site without asking) is refused; text/xml, like JSON, needs a preflight we never grant.
 */
export function checkContentType(method: string | undefined, headers: IncomingHttpHeaders, path = ''): TaskmasterError | null {
  if (!isStateChanging(method)) return null;
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (path.split('?')[0] === xmlRpcPath && type === 'text/xml') return null;
  if (type !== 'application/json') {
    return new TaskmasterError('E_UNSUPPORTED_MEDIA_TYPE', `a ${method} request needs content-type: application/json, got ${type === '' ? 'none' : type}`);
  }
  return null;
}
