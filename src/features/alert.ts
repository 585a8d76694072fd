import { hostname } from 'node:os';
import type { NotifyEvent } from '../config/types.js';
import type { FailureDetail } from './describe-failure.js';

/** One try of a scheduled job's tick, as `job_failed` and `job_succeeded` list them. */
export interface AttemptResult extends FailureDetail {
  readonly attempt: number;
  readonly process: string;
  readonly result: 'success' | 'failure' | 'timeout' | 'stopped';
  readonly startedAt: string | null;
  readonly endedAt: string;
}

/** What every channel delivers: the same fields in the webhook's JSON, the command's stdin, syslog and email. */
export interface Alert extends FailureDetail {
  readonly event: NotifyEvent;
  readonly process: string;
  readonly group: string;
  /** The how-many-th failure in a row of this process; for a job, the try within its tick. */
  readonly attempt: number;
  readonly message: string;
  readonly host: string;
  readonly time: string;
  /** Of a job: every try of the tick, first to last. */
  readonly attempts?: readonly AttemptResult[];
  /** Alerts of this process held back by the rate limit since the last one delivered. */
  readonly suppressed?: { readonly count: number; readonly since: string; readonly summary: string };
}

export interface AlertFacts extends FailureDetail {
  readonly event: NotifyEvent;
  readonly process: string;
  readonly group: string;
  readonly attempt: number;
  readonly message: string;
  readonly attempts?: readonly AttemptResult[];
}

export function makeAlert(facts: AlertFacts, nowMs = Date.now()): Alert {
  return { ...facts, host: hostname(), time: new Date(nowMs).toISOString() };
}

/** One line for syslog, the email's subject and logs: what happened and why. */
export function alertLine(alert: Alert): string {
  const suppressed = alert.suppressed ? ` (${alert.suppressed.summary})` : '';
  return `${alert.message}${alert.reason && !alert.message.includes(alert.reason) ? `: ${alert.reason}` : ''}${suppressed}`;
}
