import { valueOf, type ResultRow } from './results.js';

/** Whether Taskmaster meets issue 6's target on this row: true, false, or null when unknown or none. */
export function targetMet(row: ResultRow): boolean | null {
  const taskmaster = valueOf(row.cells.taskmaster);
  const floor = valueOf(row.cells.floor);
  if (taskmaster === null) return null;
  if (row.id === 'restart-median') return floor === null ? null : taskmaster <= 1.25 * floor;
  if (row.id === 'idle-rss-1000') return floor === null ? null : taskmaster <= 1.2 * floor;
  // Issue 17: 0.9 of the floor for one child (text and binary), 0.8 for ten; CPU per GB at most 0.6 of supervisord's.
  if (row.id === 'output-rate-1' || row.id === 'output-rate-binary-1') return floor === null ? null : taskmaster >= 0.9 * floor;
  if (row.id === 'output-rate-10' || row.id === 'output-rate-10-shared') return floor === null ? null : taskmaster >= 0.8 * floor;
  const supervisord = valueOf(row.cells.supervisord);
  if (row.id.startsWith('output-cpu-')) return supervisord === null ? null : taskmaster <= 0.6 * supervisord;
  // The absolute targets are for 1000 processes; smaller runs say nothing about them.
  // Issue 17: the start of 1000 against Node spawning as many with the same stdio.
  if (row.id === 'fleet-start') return floor === null || !row.label.includes(' 1000 ') ? null : taskmaster <= 1.1 * floor;
  if (row.id === 'fleet-stop') return taskmaster <= 11;
  if (row.id === 'status-cli') return row.label.includes(' 1000 ') ? taskmaster <= 0.1 : null;
  // Issue 17: the CLI costs only Node's start-up, in pairs run alternately (the label names the fleet's size).
  if (row.id === 'status-cli-paired') return floor === null || !row.label.includes(' 1000 ') ? null : taskmaster <= 1.3 * floor;
  if (row.id === 'status-cli-pair-ratio') return row.label.includes(' 1000 ') ? taskmaster <= 1.3 : null;
  if (row.id === 'reload-restarted') return taskmaster === 1;
  if (row.id === 'flood-restart-p99') return floor === null ? null : taskmaster <= 2 * floor;
  // Issue 17: flat memory under churn; a bare Node respawn loop itself grows by a quarter (JIT code, heap), so against it.
  if (row.id === 'churn-rss-growth') return floor === null ? null : taskmaster <= 1.1 * floor;
  return null;
}
