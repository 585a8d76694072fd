import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface FileLimit {
  readonly soft: number;
  readonly hard: number;
}

/** Parses the `Max open files` line of /proc/self/limits; `unlimited` reads as Infinity. */
export function parseNoFileLimit(limitsText: string): FileLimit | null {
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limitsText);
  if (!match) return null;
  const value = (text: string): number => (text === 'unlimited' ? Infinity : Number(text));
  const soft = value(match[1]!);
  const hard = value(match[2]!);
  return Number.isNaN(soft) || Number.isNaN(hard) ? null : { soft, hard };
}

export function readNoFileLimit(): FileLimit | null {
  try {
    return parseNoFileLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Node already raises the soft RLIMIT_NOFILE to the hard limit at startup on Linux, as
 * supervisord's minfds asks for; when something kept it low, raise it with prlimit(1).
 * Returns the limit in force and a warning when it could not be raised.
 */
export function raiseNoFileLimit(): { limit: FileLimit | null; warning: string | null } {
  const limit = readNoFileLimit();
  if (limit === null || limit.soft >= limit.hard || !Number.isFinite(limit.hard)) return { limit, warning: null };
  try {
    execFileSync('prlimit', [`--pid=${process.pid}`, `--nofile=${limit.hard}:${limit.hard}`], { stdio: 'ignore', timeout: 5_000 });
  } catch {
    // prlimit missing or refused: keep the soft limit and say so.
  }
  const after = readNoFileLimit() ?? limit;
  const warning = after.soft < after.hard ? `cannot raise the open-file limit from ${after.soft} to its hard limit ${after.hard}; connections are capped to fit ${after.soft}` : null;
  return { limit: after, warning };
}

export interface ConnectionBudget {
  readonly fileLimit: number;
  /** Descriptors kept for supervision: spawns (pipes), output files, the event log. */
  readonly reserve: number;
  readonly perListener: number;
  readonly perPeer: number;
}

/** Defaults, documented in docs/api.md. */
export const maxConnectionsPerListener = 1024;
export const maxConnectionsPerPeer = 64;
const minimumReserve = 128;

/** Half the descriptors (at least 128) stay with supervision; the rest are shared by the listeners. */
export function connectionBudget(fileLimit: number, listenerCount: number): ConnectionBudget {
  const limit = Number.isFinite(fileLimit) ? fileLimit : 1_048_576;
  const reserve = Math.max(minimumReserve, Math.floor(limit / 2));
  const forConnections = Math.max(8 * listenerCount, limit - reserve);
  const perListener = Math.min(maxConnectionsPerListener, Math.floor(forConnections / Math.max(1, listenerCount)));
  return { fileLimit: limit, reserve, perListener, perPeer: Math.min(maxConnectionsPerPeer, perListener) };
}
