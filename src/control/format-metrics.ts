import type { MetricsSnapshot } from '../contracts/resource-types.js';
import type { ProcessInfo } from '../contracts/process-info.js';
import type { ProcessState } from '../engine/state-machine.js';
import type { RunRecord } from '../features/run-history.js';

export const metricsContentType = 'text/plain; version=0.0.4; charset=utf-8';

/** Every state, so each process has one series per state and a dashboard sums without gaps. */
const allStates: Record<ProcessState, true> = { STOPPED: true, STARTING: true, RUNNING: true, BACKOFF: true, STOPPING: true, EXITED: true, FATAL: true };
const healthStates = ['starting', 'healthy', 'unhealthy'] as const;
const runResults: Record<RunRecord['result'], true> = { running: true, success: true, failure: true, timeout: true, stopped: true };

type Labels = Readonly<Record<string, string>>;

/** Backslash, double quote and newline are the three characters a label value escapes. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([key, value]) => `${key}="${escapeLabel(value)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}

/** Collects one family per name, so HELP and TYPE appear once and a family's samples stay together. */
class Exposition {
  private readonly families = new Map<string, { help: string; type: string; lines: string[] }>();

  add(name: string, type: 'gauge' | 'counter', help: string, labels: Labels, value: number): void {
    let family = this.families.get(name);
    if (!family) {
      family = { help, type, lines: [] };
      this.families.set(name, family);
    }
    family.lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
  }

  /** Declares a family even when it has no sample yet (no job has run). */
  declare(name: string, type: 'gauge' | 'counter', help: string): void {
    if (!this.families.has(name)) this.families.set(name, { help, type, lines: [] });
  }

  toString(): string {
    const out: string[] = [];
    for (const [name, family] of this.families) {
      out.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`, ...family.lines);
    }
    return `${out.join('\n')}\n`;
  }
}

function addProcess(metrics: Exposition, process: ProcessInfo, nowMs: number): void {
  const labels = { name: process.name, group: process.group };
  for (const state of Object.keys(allStates) as ProcessState[]) {
    metrics.add('taskmaster_process_state', 'gauge', 'Whether the process is in this state (1) or not (0).', { ...labels, state }, process.state === state ? 1 : 0);
  }
  metrics.add('taskmaster_process_restarts_total', 'counter', 'Spawns after the first since the process was configured.', labels, process.restarts ?? 0);
  metrics.add('taskmaster_process_uptime_seconds', 'gauge', 'Seconds since the running process was spawned; 0 when none runs.', labels, process.startedAt !== null && process.pid !== null ? Math.max(0, (nowMs - process.startedAt) / 1000) : 0);
  if (process.startedAt !== null) metrics.add('taskmaster_process_start_time_seconds', 'gauge', 'When the process was last spawned, in seconds since the epoch.', labels, process.startedAt / 1000);
  if (process.cpuSeconds !== undefined) metrics.add('taskmaster_process_cpu_seconds_total', 'counter', 'User and system CPU time of the running process.', labels, process.cpuSeconds);
  if (process.rssBytes !== undefined) metrics.add('taskmaster_process_resident_memory_bytes', 'gauge', 'Resident memory of the running process.', labels, process.rssBytes);
  if (process.openFds !== undefined) metrics.add('taskmaster_process_open_fds', 'gauge', 'Open file descriptors of the running process.', labels, process.openFds);
  const lastExitCode = process.exitCode ?? process.lastExitCode;
  if (lastExitCode !== undefined) metrics.add('taskmaster_process_last_exit_code', 'gauge', 'Exit code of the last run that ended; 128 + N when signal N killed it.', labels, lastExitCode);
  if (process.health !== null) {
    for (const health of healthStates) {
      metrics.add('taskmaster_process_health', 'gauge', 'Whether the healthcheck reports this health (1) or not (0).', { ...labels, health }, process.health === health ? 1 : 0);
    }
  }
}

function addJob(metrics: Exposition, process: ProcessInfo): void {
  const labels = { name: process.name, group: process.group };
  if (process.nextRunAt !== null) metrics.add('taskmaster_job_next_run_timestamp_seconds', 'gauge', 'When the job runs next, in seconds since the epoch.', labels, process.nextRunAt / 1000);
  const run = process.lastRun;
  if (run === null) return;
  for (const result of Object.keys(runResults) as RunRecord['result'][]) {
    metrics.add('taskmaster_job_last_result', 'gauge', 'Whether the last run of the job ended this way (1) or not (0).', { ...labels, result }, run.result === result ? 1 : 0);
  }
  metrics.add('taskmaster_job_last_run_timestamp_seconds', 'gauge', 'When the last run of the job started, in seconds since the epoch.', labels, run.startedAt / 1000);
  if (run.durationMs !== null) metrics.add('taskmaster_job_last_duration_seconds', 'gauge', 'How long the last finished run of the job took.', labels, run.durationMs / 1000);
}

/** The Prometheus text exposition format (0.0.4) of a metrics snapshot. */
export function formatMetrics(snapshot: MetricsSnapshot, nowMs = Date.now()): string {
  const metrics = new Exposition();
  metrics.add('taskmaster_build_info', 'gauge', 'Always 1; the version is a label.', { version: snapshot.version }, 1);
  const self = snapshot.supervisor;
  metrics.add('process_cpu_seconds_total', 'counter', 'User and system CPU time of the supervisor.', {}, self.cpuSeconds);
  metrics.add('process_resident_memory_bytes', 'gauge', 'Resident memory of the supervisor.', {}, self.rssBytes);
  if (self.openFds !== null) metrics.add('process_open_fds', 'gauge', 'Open file descriptors of the supervisor.', {}, self.openFds);
  metrics.add('process_start_time_seconds', 'gauge', 'When the supervisor started, in seconds since the epoch.', {}, self.startTimeSeconds);
  metrics.add('taskmaster_resource_sampling_passes_total', 'counter', 'Times the supervisor read /proc for every running process.', {}, snapshot.samplingPasses);
  metrics.add('taskmaster_resource_watchers', 'gauge', 'Event streams that keep resource sampling on.', {}, snapshot.samplingWatchers);
  metrics.add('taskmaster_processes', 'gauge', 'Processes configured.', {}, snapshot.processes.length);
  metrics.declare('taskmaster_process_state', 'gauge', 'Whether the process is in this state (1) or not (0).');
  const scheduled = new Set(snapshot.scheduledPrograms);
  for (const process of snapshot.processes) addProcess(metrics, process, nowMs);
  for (const process of snapshot.processes) if (scheduled.has(process.name)) addJob(metrics, process);
  return metrics.toString();
}
