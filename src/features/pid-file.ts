import { mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventLog } from '../engine/event-log.js';
import type { ManagedProcess } from '../engine/managed-process.js';
import { replaceFileSync } from '../output/replace-file.js';

/** The pid file of one process: the program's path with `{name}` and `{process_num}` filled. */
export function pidFilePathOf(process: ManagedProcess): string | null {
  const path = process.program.pidFile;
  if (path === null) return null;
  return path.replaceAll('{name}', process.processName).replaceAll('{process_num}', String(process.index).padStart(2, '0'));
}

/** Written at spawn, atomically (temporary file and rename, so a link in its place is replaced, never followed). */
export function writePidFile(process: ManagedProcess, pid: number, log: EventLog): void {
  const path = pidFilePathOf(process);
  if (path === null) return;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    replaceFileSync(path, `${pid}\n`, 0o644);
  } catch (error) {
    log.warn(`cannot write pid file ${path} of ${process.fullName}: ${(error as Error).message}`, { event: 'pidfile', process: process.fullName });
  }
}

/** Removed at exit, unless it holds another pid by then (someone else's file now). */
export function removePidFile(process: ManagedProcess, pid: number | null): void {
  const path = pidFilePathOf(process);
  if (path === null) return;
  try {
    if (pid !== null && readFileSync(path, 'utf8').trim() !== String(pid)) return;
    unlinkSync(path);
  } catch {
    // Already gone, or not ours to remove.
  }
}

/**
 * At Taskmaster's start no process of it runs yet (leftovers of a crash are stopped first),
 * so any pid file of its programs is stale: a crashed Taskmaster could not remove it.
 */
export function reclaimPidFiles(processes: readonly ManagedProcess[], log: EventLog): void {
  for (const process of processes) {
    const path = pidFilePathOf(process);
    if (path === null) continue;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    try {
      unlinkSync(path);
      log.info(`removed stale pid file ${path} of ${process.fullName} (pid ${text.trim() || '?'}, left by a taskmaster that did not stop cleanly)`, { event: 'pidfile', process: process.fullName });
    } catch (error) {
      log.warn(`cannot remove stale pid file ${path}: ${(error as Error).message}`, { event: 'pidfile', process: process.fullName });
    }
  }
}
