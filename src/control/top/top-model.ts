import type { ProcessInfo, WatchedEvent } from '../../contracts/supervisor-api.js';
import type { Key } from './top-keys.js';

export const sortKeys = ['name', 'state', 'cpu', 'memory', 'restarts', 'uptime'] as const;
export type SortKey = (typeof sortKeys)[number];

export type TopAction = { readonly kind: 'start' | 'stop' | 'restart'; readonly name: string } | { readonly kind: 'openLog'; readonly name: string } | { readonly kind: 'closeLog' } | { readonly kind: 'switchLogStream' } | { readonly kind: 'quit' };

/** What the screen shows; changed only by applyEvent and applyKey, so both are tested without a terminal. */
export interface TopModel {
  readonly processes: readonly ProcessInfo[];
  readonly selected: string | null;
  readonly sortKey: SortKey;
  readonly descending: boolean;
  readonly filter: string;
  /** Typing a filter after `/`. */
  readonly editingFilter: boolean;
  readonly logOf: string | null;
  readonly message: string;
  readonly pageRows: number;
}

export function initialModel(pageRows: number): TopModel {
  return { processes: [], selected: null, sortKey: 'name', descending: false, filter: '', editingFilter: false, logOf: null, message: '', pageRows };
}

function merge(processes: readonly ProcessInfo[], name: string, update: (process: ProcessInfo | undefined) => ProcessInfo): ProcessInfo[] {
  const index = processes.findIndex((process) => process.name === name);
  if (index === -1) return [...processes, update(undefined)];
  const next = [...processes];
  next[index] = update(processes[index]);
  return next;
}

/** Folds one event of the stream into the model. */
export function applyEvent(model: TopModel, event: WatchedEvent): TopModel {
  switch (event.type) {
    case 'snapshot':
      // No selection yet means the first row shown, whatever the sort.
      return { ...model, processes: event.processes };
    case 'state':
      return { ...model, processes: merge(model.processes, event.process.name, () => event.process) };
    case 'resources': {
      const byName = new Map(event.processes.map((entry) => [entry.name, entry]));
      const processes = model.processes.map((process) => {
        const fresh = byName.get(process.name);
        if (!fresh) return process;
        const { name: _name, ...resources } = fresh;
        const { cpuPercent: _cpu, cpuSeconds: _seconds, rssBytes: _rss, openFds: _fds, ...rest } = process;
        return { ...rest, ...resources };
      });
      return { ...model, processes };
    }
  }
}

function matches(process: ProcessInfo, filter: string): boolean {
  if (filter === '') return true;
  const wanted = filter.toLowerCase();
  return process.name.toLowerCase().includes(wanted) || process.state.toLowerCase().startsWith(wanted);
}

const stateOrder = ['RUNNING', 'STARTING', 'BACKOFF', 'STOPPING', 'EXITED', 'FATAL', 'STOPPED'];

function compare(a: ProcessInfo, b: ProcessInfo, key: SortKey, nowMs: number): number {
  const uptime = (process: ProcessInfo): number => (process.pid !== null && process.startedAt !== null ? nowMs - process.startedAt : -1);
  switch (key) {
    case 'name':
      return a.name.localeCompare(b.name);
    case 'state':
      return stateOrder.indexOf(a.state) - stateOrder.indexOf(b.state);
    case 'cpu':
      return (b.cpuPercent ?? -1) - (a.cpuPercent ?? -1);
    case 'memory':
      return (b.rssBytes ?? -1) - (a.rssBytes ?? -1);
    case 'restarts':
      return (b.restarts ?? 0) - (a.restarts ?? 0);
    case 'uptime':
      return uptime(b) - uptime(a);
  }
}

/** The rows shown, filtered and sorted (numbers biggest first); ties keep the name order. */
export function visibleProcesses(model: TopModel, nowMs = Date.now()): ProcessInfo[] {
  const shown = model.processes.filter((process) => matches(process, model.filter));
  const direction = model.descending ? -1 : 1;
  return shown.sort((a, b) => direction * (compare(a, b, model.sortKey, nowMs) || a.name.localeCompare(b.name)));
}

function moveSelection(model: TopModel, delta: number | 'first' | 'last'): TopModel {
  const rows = visibleProcesses(model);
  if (rows.length === 0) return model;
  const current = Math.max(0, rows.findIndex((process) => process.name === model.selected));
  const target = delta === 'first' ? 0 : delta === 'last' ? rows.length - 1 : Math.min(rows.length - 1, Math.max(0, current + delta));
  return { ...model, selected: rows[target]!.name };
}

/** The selected process if it is shown; otherwise the first row shown. */
export function selectedProcess(model: TopModel): ProcessInfo | undefined {
  const rows = visibleProcesses(model);
  return rows.find((process) => process.name === model.selected) ?? rows[0];
}

function editFilter(model: TopModel, key: Key): { model: TopModel } {
  switch (key.name) {
    case 'enter':
      return { model: moveSelection({ ...model, editingFilter: false }, 0) };
    case 'escape':
      return { model: { ...model, editingFilter: false, filter: '' } };
    case 'backspace':
      return { model: { ...model, filter: model.filter.slice(0, -1) } };
    case 'char':
      return { model: { ...model, filter: model.filter + key.char } };
    default:
      return { model };
  }
}

/** What a key does: a new model, and maybe an action for the runner to carry out. */
export function applyKey(model: TopModel, key: Key): { model: TopModel; action?: TopAction } {
  if (key.name === 'interrupt') return { model, action: { kind: 'quit' } };
  if (model.editingFilter) return editFilter(model, key);
  if (model.logOf !== null) {
    if (key.name === 'escape' || (key.name === 'char' && (key.char === 'q' || key.char === 'l'))) return { model: { ...model, logOf: null }, action: { kind: 'closeLog' } };
    if (key.name === 'char' && key.char === 'e') return { model, action: { kind: 'switchLogStream' } };
    return { model };
  }
  const selected = selectedProcess(model)?.name;
  switch (key.name) {
    case 'up':
      return { model: moveSelection(model, -1) };
    case 'down':
      return { model: moveSelection(model, 1) };
    case 'pageUp':
      return { model: moveSelection(model, -model.pageRows) };
    case 'pageDown':
      return { model: moveSelection(model, model.pageRows) };
    case 'home':
      return { model: moveSelection(model, 'first') };
    case 'end':
      return { model: moveSelection(model, 'last') };
    case 'enter':
      return selected ? { model: { ...model, logOf: selected }, action: { kind: 'openLog', name: selected } } : { model };
    case 'escape':
      return { model: { ...model, filter: '' } };
    case 'char':
      break;
    default:
      return { model };
  }
  switch (key.char) {
    case 'q':
      return { model, action: { kind: 'quit' } };
    case 'k':
      return { model: moveSelection(model, -1) };
    case 'j':
      return { model: moveSelection(model, 1) };
    case '/':
      return { model: { ...model, editingFilter: true } };
    case 'o':
      return { model: { ...model, sortKey: sortKeys[(sortKeys.indexOf(model.sortKey) + 1) % sortKeys.length]! } };
    case 'i':
      return { model: { ...model, descending: !model.descending } };
    case 's':
      return selected ? { model: { ...model, message: `starting ${selected}...` }, action: { kind: 'start', name: selected } } : { model };
    case 'x':
      return selected ? { model: { ...model, message: `stopping ${selected}...` }, action: { kind: 'stop', name: selected } } : { model };
    case 'r':
      return selected ? { model: { ...model, message: `restarting ${selected}...` }, action: { kind: 'restart', name: selected } } : { model };
    case 'l':
      return selected ? { model: { ...model, logOf: selected }, action: { kind: 'openLog', name: selected } } : { model };
    default:
      return { model };
  }
}
