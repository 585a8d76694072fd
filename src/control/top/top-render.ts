import type { ProcessInfo } from '../../contracts/supervisor-api.js';
import { formatUptime } from '../../output/format-time.js';
import type { ProcessState } from '../../engine/state-machine.js';
import { selectedProcess, visibleProcesses, type TopModel } from './top-model.js';

export interface ScreenSize {
  readonly columns: number;
  readonly rows: number;
}

/** The log pane's lines: the last ones of what was followed. */
export interface LogPane {
  readonly title: string;
  readonly lines: readonly string[];
}

const stateColours: Record<ProcessState, string> = {
  RUNNING: '\x1b[32m',
  STARTING: '\x1b[33m',
  BACKOFF: '\x1b[33m',
  STOPPING: '\x1b[33m',
  EXITED: '\x1b[31m',
  FATAL: '\x1b[1;31m',
  STOPPED: '\x1b[2m',
};

/** A mark beside the state, so it reads without colour too. */
const stateMarks: Record<ProcessState, string> = { RUNNING: '●', STARTING: '◐', BACKOFF: '◌', STOPPING: '◑', EXITED: '○', FATAL: '✖', STOPPED: '○' };

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '-';
  const units = ['B', 'K', 'M', 'G', 'T'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)}${units[unit]}`;
}

function fit(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width ? `${chars.slice(0, Math.max(0, width - 1)).join('')}…` : text + ' '.repeat(width - chars.length);
}

function uptimeOf(process: ProcessInfo, nowMs: number): string {
  if (process.pid === null || process.startedAt === null) return '-';
  return formatUptime(Math.max(0, Math.floor((nowMs - process.startedAt) / 1000)));
}

function countStates(processes: readonly ProcessInfo[]): string {
  const counts = new Map<string, number>();
  for (const process of processes) counts.set(process.state, (counts.get(process.state) ?? 0) + 1);
  return [...counts].map(([state, count]) => `${count} ${state}`).join(', ');
}

/** One full frame: every line cleared to its end, so no leftover of the previous frame shows. */
export function renderTop(model: TopModel, size: ScreenSize, colour: boolean, log: LogPane | null, nowMs = Date.now()): string {
  const paint = (code: string, text: string): string => (colour ? `${code}${text}\x1b[0m` : text);
  // One column spare: a line that fills the last column makes some terminals wrap.
  const width = Math.max(40, size.columns - 1);
  const lines: string[] = [];
  const sortLabel = `${model.sortKey}${model.descending ? ' (reversed)' : ''}`;
  lines.push(paint('\x1b[1m', fit(`taskmaster top: ${model.processes.length} processes${model.processes.length > 0 ? ` (${countStates(model.processes)})` : ''}`, width)));
  if (log !== null) {
    lines.push(paint('\x1b[7m', fit(log.title, width)));
    const room = Math.max(1, size.rows - 3);
    const shown = log.lines.slice(-room);
    for (const line of shown) lines.push(fit(line.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, ''), width));
    while (lines.length < size.rows - 1) lines.push(' '.repeat(width));
    lines.push(paint('\x1b[2m', fit('q/Esc back  e stdout/stderr  Ctrl-C quit', width)));
    return frame(lines);
  }
  const nameWidth = Math.max(12, Math.min(40, width - 58));
  const header = `  ${fit('NAME', nameWidth)} ${fit('STATE', 11)} ${'PID'.padStart(7)} ${'CPU%'.padStart(6)} ${'MEM'.padStart(7)} ${'RESTARTS'.padStart(8)}  UPTIME`;
  lines.push(paint('\x1b[7m', fit(header, width)));
  const rows = visibleProcesses(model, nowMs);
  const selected = selectedProcess(model)?.name;
  const room = Math.max(1, size.rows - 4);
  const selectedIndex = Math.max(0, rows.findIndex((process) => process.name === selected));
  const first = Math.min(Math.max(0, selectedIndex - room + 1), Math.max(0, rows.length - room));
  for (const process of rows.slice(first, first + room)) {
    const isSelected = process.name === selected;
    const cpu = process.cpuPercent === undefined ? '-' : process.cpuPercent.toFixed(1);
    const before = `${isSelected ? '>' : ' '} ${fit(process.name, nameWidth)} `;
    const stateCell = fit(`${stateMarks[process.state]} ${process.state}`, 11);
    const after = ` ${String(process.pid ?? '-').padStart(7)} ${cpu.padStart(6)} ${formatBytes(process.rssBytes).padStart(7)} ${String(process.restarts ?? 0).padStart(8)}  ${uptimeOf(process, nowMs)}`;
    const padding = ' '.repeat(Math.max(0, width - [...`${before}${stateCell}${after}`].length));
    const row = `${before}${paint(stateColours[process.state], stateCell)}${after}${padding}`;
    // Reverse video marks the selection too, on top of the > that reads without it.
    lines.push(isSelected && colour ? `\x1b[7m${row.replace(/\x1b\[0m/g, '\x1b[0m\x1b[7m')}\x1b[0m` : row);
  }
  if (rows.length === 0) lines.push(fit(model.filter === '' ? '  no processes' : `  nothing matches "${model.filter}"`, width));
  while (lines.length < size.rows - 2) lines.push(' '.repeat(width));
  const filterLine = model.editingFilter ? `filter: ${model.filter}_  (Enter keep, Esc clear)` : `sort: ${sortLabel}${model.filter === '' ? '' : `  filter: ${model.filter}`}  ${model.message}`;
  lines.push(fit(filterLine, width));
  lines.push(paint('\x1b[2m', fit('↑↓ select  s start  x stop  r restart  l log  / filter  o sort  i reverse  q quit', width)));
  return frame(lines);
}

function frame(lines: readonly string[]): string {
  // Home, then each line; clearing below removes what a taller previous frame left.
  return `\x1b[H${lines.join('\r\n')}\x1b[J`;
}
