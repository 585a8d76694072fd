import type { IncomingMessage, ServerResponse } from 'node:http';
import { TaskmasterError } from '../contracts/errors.js';
import { BurstCounter, type BurstReport } from './burst-counter.js';
import { credentialsMatch } from './credentials.js';
import { FailureThrottle } from './failure-throttle.js';
import { checkContentType, checkHost, checkOrigin, type AllowedHosts } from './request-checks.js';

/** Who may talk to one listener. The web dashboard is meant to reuse this with the same credentials. */
export interface RequestPolicy {
  /** How the listener is named in the log: `http://127.0.0.1:9001` or the socket path. */
  readonly listenerName: string;
  readonly allowedHosts: AllowedHosts;
  readonly credentials: { readonly username: string; readonly password: string } | null;
}

export interface GuardLog {
  warn(message: string): void;
}

/** Why a request is turned away: what it is answered with. */
export interface Refusal {
  readonly status: number;
  readonly error: TaskmasterError;
  readonly headers: Record<string, string>;
}

/** Checks every request before it reaches a route; false when it has been answered with a refusal. */
export interface RequestGuard {
  admit(request: IncomingMessage, response: ServerResponse): boolean;
  /** The same checks for a request answered outside a ServerResponse (an upgrade); null when admitted. */
  check(request: IncomingMessage, upgrade: boolean): Refusal | null;
  close(): void;
}

/** A burst of refusals ends after this much quiet; then its count is logged. */
const burstQuietMs = 5_000;

function refuse(response: ServerResponse, status: number, error: TaskmasterError, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ code: error.code, message: error.message, details: error.details ?? null });
  response.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function seconds(report: BurstReport): string {
  return ((report.endedAtMs - report.startedAtMs) / 1000).toFixed(1);
}

export function createRequestGuard(policy: RequestPolicy, log: GuardLog, throttle = new FailureThrottle()): RequestGuard {
  const where = policy.listenerName;
  const authFailures = new BurstCounter(
    burstQuietMs,
    (peer) => log.warn(`control API: authentication failed from ${peer} on ${where}; further failures from it are counted and slowed down`),
    (report) => log.warn(`control API: ${report.count} failed authentication attempts from ${report.key} on ${where} in ${seconds(report)} s`),
  );
  const foreign = new BurstCounter(
    burstQuietMs,
    (peer) => log.warn(`control API: refused a request from ${peer} on ${where} with a foreign Host or Origin (DNS rebinding or cross-site request?)`),
    (report) => log.warn(`control API: refused ${report.count} requests with a foreign Host or Origin from ${report.key} on ${where} in ${seconds(report)} s`),
  );
  const refusal = (status: number, error: TaskmasterError, headers: Record<string, string> = {}): Refusal => ({ status, error, headers });
  const check = (request: IncomingMessage, upgrade: boolean): Refusal | null => {
    const peer = request.socket.remoteAddress ?? 'local';
    const hostError = checkHost(request.headers.host, policy.allowedHosts);
    if (hostError) {
      foreign.note(peer);
      return refusal(403, hostError);
    }
    if (policy.credentials) {
      const now = Date.now();
      const waitMs = throttle.retryAfterMs(peer, now);
      if (waitMs > 0) {
        authFailures.note(peer);
        const retryAfter = String(Math.ceil(waitMs / 1000));
        return refusal(429, new TaskmasterError('E_TOO_MANY_REQUESTS', `too many failed logins from ${peer}; retry in ${retryAfter} s`), { 'retry-after': retryAfter });
      }
      const { username, password } = policy.credentials;
      if (!credentialsMatch(request.headers.authorization, username, password)) {
        throttle.recordFailure(peer, now);
        authFailures.note(peer);
        return refusal(401, new TaskmasterError('E_UNAUTHORIZED', 'username and password required'), { 'www-authenticate': 'Basic realm="taskmaster"' });
      }
      throttle.recordSuccess(peer);
    }
    // An upgrade is a GET that can type into a program: it is checked for its origin as a state change is.
    const method = upgrade ? 'UPGRADE' : request.method;
    const originError = checkOrigin(method, request.headers, policy.allowedHosts);
    if (originError) {
      foreign.note(peer);
      return refusal(403, originError);
    }
    const typeError = upgrade ? null : checkContentType(request.method, request.headers);
    if (typeError) return refusal(415, typeError);
    return null;
  };
  return {
    admit(request, response) {
      const refused = check(request, false);
      if (refused) refuse(response, refused.status, refused.error, refused.headers);
      return refused === null;
    },
    check,
    close() {
      authFailures.flush();
      foreign.flush();
    },
  };
}
