import type { ProcessResources } from '../api/resource-types.js';
import type { RunRecord } from '../features/run-history.js';
import type { ProcessState } from './state-machine.js';

/** What status reports for one process; the same over the socket and in-process. */
export interface ProcessInfo extends ProcessResources {
  readonly name: string;
  readonly group: string;
  readonly processName: string;
  readonly state: ProcessState;
  readonly pid: number | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Seconds since the current process was spawned; 0 when none runs. */
  readonly uptime: number;
  readonly description: string;
  readonly spawnError: string | null;
  readonly startedAt: number | null;
  readonly stoppedAt: number | null;
  readonly port: number | null;
  /** Of a process with a healthcheck, while it runs. */
  readonly health: 'starting' | 'healthy' | 'unhealthy' | null;
  /** Of a scheduled job: when its next tick is due (ms since the epoch). */
  readonly nextRunAt: number | null;
  readonly lastRun: RunRecord | null;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

export function formatUptime(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const clock = `${hours}:${pad(minutes)}:${pad(seconds % 60)}`;
  return days > 0 ? `${days} day${days === 1 ? '' : 's'}, ${clock}` : clock;
}

const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** supervisord's stop time format: `Nov 22 10:00 AM`. */
export function formatStopTime(ms: number): string {
  const date = new Date(ms);
  const hours = date.getHours() % 12 === 0 ? 12 : date.getHours() % 12;
  return `${monthNames[date.getMonth()]} ${pad(date.getDate())} ${pad(hours)}:${pad(date.getMinutes())} ${date.getHours() < 12 ? 'AM' : 'PM'}`;
}
