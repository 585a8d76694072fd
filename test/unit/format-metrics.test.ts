import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricsSnapshot } from '../../src/contracts/resource-types.js';
import type { ProcessInfo } from '../../src/contracts/process-info.js';
import { formatMetrics } from '../../src/control/format-metrics.js';

const base: ProcessInfo = {
  name: 'web',
  group: 'web',
  processName: 'web',
  state: 'RUNNING',
  pid: 42,
  exitCode: null,
  signal: null,
  uptime: 10,
  description: '',
  spawnError: null,
  startedAt: 1_000_000,
  stoppedAt: null,
  port: null,
  health: null,
  nextRunAt: null,
  lastRun: null,
  exitReason: null,
  lastLines: [],
  lastLinesStream: null,
  lastLinesFile: null,
};

function snapshot(processes: ProcessInfo[], scheduledPrograms: string[] = []): MetricsSnapshot {
  return { version: '1.2.3', pid: 7, supervisor: { cpuSeconds: 0.5, rssBytes: 1000, openFds: 12, startTimeSeconds: 900 }, samplingPasses: 3, samplingWatchers: 0, processes, scheduledPrograms };
}

describe('formatMetrics', () => {
  it('gives each process one state series per state, exactly one of them 1', () => {
    const text = formatMetrics(snapshot([base]), 11_000_000);
    const states = text.split('\n').filter((line) => line.startsWith('taskmaster_process_state{'));
    assert.equal(states.length, 7);
    assert.deepEqual(states.filter((line) => line.endsWith(' 1')), ['taskmaster_process_state{name="web",group="web",state="RUNNING"} 1']);
    assert.match(text, /^taskmaster_process_uptime_seconds\{name="web",group="web"\} 10000$/m);
    assert.match(text, /^taskmaster_process_restarts_total\{name="web",group="web"\} 0$/m);
  });

  it('writes HELP and TYPE once per family, before its samples', () => {
    const text = formatMetrics(snapshot([base, { ...base, name: 'api', group: 'api', restarts: 4 }]));
    assert.equal(text.match(/^# TYPE taskmaster_process_restarts_total counter$/gm)?.length, 1);
    const lines = text.split('\n');
    const typeAt = lines.indexOf('# TYPE taskmaster_process_restarts_total counter');
    assert.deepEqual(lines.slice(typeAt + 1, typeAt + 3), ['taskmaster_process_restarts_total{name="web",group="web"} 0', 'taskmaster_process_restarts_total{name="api",group="api"} 4']);
    assert.ok(text.endsWith('\n'));
  });

  it('escapes backslash, quote and newline in label values', () => {
    const text = formatMetrics(snapshot([{ ...base, name: 'a"b\\c\nd' }]));
    assert.match(text, /name="a\\"b\\\\c\\nd"/);
  });

  it('shows resources only when sampled, and the last exit code only when there is one', () => {
    const unsampled = formatMetrics(snapshot([base]));
    assert.doesNotMatch(unsampled, /^taskmaster_process_resident_memory_bytes\{/m);
    assert.doesNotMatch(unsampled, /^taskmaster_process_last_exit_code\{/m);
    const sampled = formatMetrics(snapshot([{ ...base, cpuSeconds: 1.25, rssBytes: 2048, openFds: 5, exitCode: 3 }]));
    assert.match(sampled, /^taskmaster_process_cpu_seconds_total\{name="web",group="web"\} 1\.25$/m);
    assert.match(sampled, /^taskmaster_process_resident_memory_bytes\{name="web",group="web"\} 2048$/m);
    assert.match(sampled, /^taskmaster_process_open_fds\{name="web",group="web"\} 5$/m);
    assert.match(sampled, /^taskmaster_process_last_exit_code\{name="web",group="web"\} 3$/m);
  });

  it('reports a scheduled job by its last result and duration, and health one series per value', () => {
    const job: ProcessInfo = { ...base, name: 'backup', group: 'backup', state: 'EXITED', pid: null, health: 'unhealthy', nextRunAt: 5_000_000, lastRun: { startedAt: 2_000_000, endedAt: 2_001_500, durationMs: 1500, exitCode: 1, signal: null, result: 'failure', lastLines: [] } };
    const text = formatMetrics(snapshot([job], ['backup']));
    assert.match(text, /^taskmaster_job_last_result\{name="backup",group="backup",result="failure"\} 1$/m);
    assert.match(text, /^taskmaster_job_last_result\{name="backup",group="backup",result="success"\} 0$/m);
    assert.match(text, /^taskmaster_job_last_duration_seconds\{name="backup",group="backup"\} 1\.5$/m);
    assert.match(text, /^taskmaster_job_next_run_timestamp_seconds\{name="backup",group="backup"\} 5000$/m);
    assert.match(text, /^taskmaster_process_health\{name="backup",group="backup",health="unhealthy"\} 1$/m);
    assert.match(text, /^taskmaster_process_uptime_seconds\{name="backup",group="backup"\} 0$/m);
    assert.doesNotMatch(formatMetrics(snapshot([job])), /taskmaster_job_last_result\{/, 'not a job without a schedule');
  });

  it('describes the supervisor with the standard process metrics and its version', () => {
    const text = formatMetrics(snapshot([]));
    assert.match(text, /^taskmaster_build_info\{version="1\.2\.3"\} 1$/m);
    assert.match(text, /^process_cpu_seconds_total 0\.5$/m);
    assert.match(text, /^process_resident_memory_bytes 1000$/m);
    assert.match(text, /^process_open_fds 12$/m);
    assert.match(text, /^process_start_time_seconds 900$/m);
  });
});
