import type { ProcessInfo } from './types.js';

export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const days = Math.floor(whole / 86_400);
  const hours = Math.floor((whole % 86_400) / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const clock = `${hours}:${String(minutes).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
  return days > 0 ? `${days}d ${clock}` : clock;
}

/** Uptime from startedAt, so it keeps counting between events. */
export function uptimeSeconds(process: ProcessInfo, nowMs: number): number | null {
  if (process.pid === null || process.startedAt === null) return null;
  return (nowMs - process.startedAt) / 1000;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** How the last run ended: the exit code or the signal. */
export function lastExit(process: ProcessInfo): string {
  if (process.signal !== null) return process.signal;
  if (process.exitCode !== null) return `exit ${process.exitCode}`;
  return '';
}

/** Why: what the supervisor says (spawn error, crash loop, dependency), unless it only repeats pid and uptime. */
export function exitReason(process: ProcessInfo): string {
  if (process.spawnError) return process.spawnError;
  if (process.state === 'RUNNING' || process.state === 'STARTING' || process.state === 'STOPPING') return '';
  return process.description;
}

/** A time soon: `19:30 (in 14m)`; the full date is in the description. */
export function formatWhen(ms: number, nowMs: number): string {
  const date = new Date(ms);
  const time = `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
  const minutes = Math.round((ms - nowMs) / 60_000);
  if (minutes <= 0) return time;
  return minutes < 120 ? `${time} (in ${minutes}m)` : `${time} (in ${Math.round(minutes / 60)}h)`;
}
