import type { ProcessInfo, ProcessState } from '../../contracts/process-info.js';
import type { ProcessConfigSummary } from '../../contracts/supervisor-api.js';
import type { RpcValue } from './rpc-value.js';

/** supervisord's numeric process states (supervisor/states.py); UNKNOWN 1000 never occurs here. */
export const stateCodes: Readonly<Record<ProcessState, number>> = {
  STOPPED: 0,
  STARTING: 10,
  RUNNING: 20,
  BACKOFF: 30,
  STOPPING: 40,
  EXITED: 100,
  FATAL: 200,
};

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (value: number): string => String(value).padStart(2, '0');

/** Python's str(timedelta) of whole seconds: `0:00:05`, `1 day, 2:03:04`. */
export function formatUptime(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const days = Math.floor(whole / 86_400);
  const rest = whole % 86_400;
  const clock = `${Math.floor(rest / 3600)}:${two(Math.floor((rest % 3600) / 60))}:${two(rest % 60)}`;
  return days === 0 ? clock : `${days} day${days === 1 ? '' : 's'}, ${clock}`;
}

/** strftime('%b %d %I:%M %p') in local time, as supervisord describes a stopped process. */
export function formatStopTime(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const hours = date.getHours();
  return `${months[date.getMonth()]} ${two(date.getDate())} ${two(hours % 12 === 0 ? 12 : hours % 12)}:${two(date.getMinutes())} ${hours < 12 ? 'AM' : 'PM'}`;
}

const quickExit = 'Exited too quickly (process log may have details)';

/** The `description` supervisorctl status prints, worded as supervisord words it. */
export function describeForSupervisorctl(info: ProcessInfo, start: number, stop: number, now: number): string {
  switch (info.state) {
    case 'RUNNING':
      return `pid ${info.pid ?? 0}, uptime ${formatUptime(now - start)}`;
    case 'FATAL':
    case 'BACKOFF':
      return info.spawnError ?? quickExit;
    case 'STOPPED':
    case 'EXITED':
      return start !== 0 ? formatStopTime(stop) : 'Not started';
    case 'STARTING':
    case 'STOPPING':
      return '';
  }
}

const seconds = (ms: number | null): number => (ms === null ? 0 : Math.floor(ms / 1000));

/** getProcessInfo's struct, field for field. */
export function processStruct(info: ProcessInfo, config: ProcessConfigSummary | undefined, nowMs = Date.now()): Record<string, RpcValue> {
  const start = seconds(info.startedAt);
  const stop = seconds(info.stoppedAt);
  const now = seconds(nowMs);
  const stdoutLogfile = config?.stdoutPath ?? '';
  return {
    name: info.processName,
    group: info.group,
    description: describeForSupervisorctl(info, start, stop, now),
    start,
    stop,
    now,
    state: stateCodes[info.state],
    statename: info.state,
    spawnerr: info.spawnError ?? (info.state === 'FATAL' || info.state === 'BACKOFF' ? quickExit : ''),
    exitstatus: info.exitCode ?? 0,
    logfile: stdoutLogfile,
    stdout_logfile: stdoutLogfile,
    stderr_logfile: config?.stderrPath ?? '',
    pid: info.state === 'RUNNING' || info.state === 'STARTING' || info.state === 'STOPPING' || info.state === 'BACKOFF' ? (info.pid ?? 0) : 0,
  };
}
