import { Component } from 'preact';
import type { ActionName } from './api.js';
import { formatBytes, formatDuration, formatWhen, uptimeSeconds } from './format.js';
import { html } from './html.js';
import { LiveCell } from './live-cell.js';
import { SignalPicker } from './signal-picker.js';
import { StateBadge } from './state-badge.js';
import type { ProcessInfo } from './types.js';

export type OnAction = (action: ActionName, names: readonly string[]) => void;

interface RowProps {
  readonly process: ProcessInfo;
  readonly restarts: { count: number; exact: boolean };
  readonly lastExit: { exit: string; why: string };
  readonly selected: boolean;
  readonly grouped: boolean;
  readonly onAction: OnAction;
  readonly onSelect: (name: string) => void;
}

function portCell(process: ProcessInfo) {
  if (process.port === null) return '';
  // The supervisor says when a port is not HTTP; otherwise the port is offered as a link on this page's host.
  if (process.servesHttp === false) return String(process.port);
  return html`<a href=${`http://${location.hostname}:${process.port}/`} target="_blank" rel="noopener noreferrer">${process.port}</a>`;
}

/** One process; it re-renders only when its object changes (its uptime counts by itself). */
class ProcessRow extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps): boolean {
    const props = this.props;
    return next.process !== props.process || next.selected !== props.selected || next.restarts.count !== props.restarts.count || next.lastExit.exit !== props.lastExit.exit;
  }

  override render({ process, restarts, lastExit, selected, grouped, onAction, onSelect }: RowProps) {
    const running = process.pid !== null;
    const label = process.name;
    return html`<div role="row" class=${selected ? 'row selected' : 'row'} data-name=${process.name} data-state=${process.state}>
      <span role="cell"><${StateBadge} state=${process.state} /></span>
      <span role="rowheader" class=${grouped ? 'indent' : ''}><button class="link" aria-label=${`details and logs of ${label}`} onClick=${() => onSelect(process.name)}>${grouped ? process.processName : process.name}</button></span>
      <span role="cell">${process.group}</span>
      <span role="cell" class="num" data-col="pid">${process.pid ?? ''}</span>
      <${LiveCell} col="uptime" className="num" text=${(nowMs: number) => {
        const uptime = uptimeSeconds(process, nowMs);
        return uptime === null ? '' : formatDuration(uptime);
      }} />
      <span role="cell" class="num" data-col="restarts" title=${restarts.exact ? 'restarts since the supervisor started' : 'restarts seen while this page is open'}>${restarts.count}</span>
      <span role="cell" data-col="exit"><span class="exit">${lastExit.exit}</span> <span class="why">${lastExit.why}</span></span>
      <span role="cell" class="num" data-col="cpu">${typeof process.cpuPercent === 'number' && running ? `${process.cpuPercent.toFixed(1)}%` : ''}</span>
      <span role="cell" class="num" data-col="memory">${typeof process.rssBytes === 'number' && running ? formatBytes(process.rssBytes) : ''}</span>
      <span role="cell" data-col="health">${process.health === null ? '' : html`<span class=${`health health-${process.health}`}>${process.health === 'healthy' ? '✔' : process.health === 'unhealthy' ? '✖' : '…'} ${process.health}</span>`}</span>
      <span role="cell" class="num" data-col="port">${portCell(process)}</span>
      <${LiveCell} col="next" text=${(nowMs: number) => (process.nextRunAt === null ? '' : formatWhen(process.nextRunAt, nowMs))} />
      <span role="cell" class="actions">
        <button onClick=${() => onAction('start', [process.name])} disabled=${running} aria-label=${`start ${label}`}>Start</button>
        <button onClick=${() => onAction('stop', [process.name])} disabled=${!running && process.state !== 'BACKOFF'} aria-label=${`stop ${label}`}>Stop</button>
        <button onClick=${() => onAction('restart', [process.name])} aria-label=${`restart ${label}`}>Restart</button>
      </span>
    </div>`;
  }
}

export interface TableProps {
  readonly processes: readonly ProcessInfo[];
  readonly restartsOf: (process: ProcessInfo) => { count: number; exact: boolean };
  readonly lastExitOf: (process: ProcessInfo) => { exit: string; why: string };
  readonly selected: string | null;
  readonly folded: ReadonlySet<string>;
  readonly onToggleGroup: (group: string) => void;
  readonly onAction: OnAction;
  readonly onSignal: (signal: string, names: string[]) => void;
  readonly onSelect: (name: string) => void;
}

/** Processes in start order; a program with several processes is a group that folds. */
export function ProcessTable(props: TableProps) {
  const groups = new Map<string, ProcessInfo[]>();
  for (const process of props.processes) {
    const list = groups.get(process.group) ?? [];
    list.push(process);
    groups.set(process.group, list);
  }
  const row = (process: ProcessInfo, grouped: boolean) =>
    html`<${ProcessRow} key=${process.name} process=${process} restarts=${props.restartsOf(process)} lastExit=${props.lastExitOf(process)} selected=${props.selected === process.name} grouped=${grouped} onAction=${props.onAction} onSelect=${props.onSelect} />`;
  const counted = props.processes.every((process) => props.restartsOf(process).exact);
  const headers = ['State', 'Name', 'Group', 'PID', 'Uptime', counted ? 'Restarts' : 'Restarts*', 'Last exit', 'CPU', 'Memory', 'Health', 'Port', 'Next run', 'Actions'];
  // A grid of rows rather than a <table>: each row lays out alone and rows out of view are skipped (content-visibility).
  return html`<div role="table" class="processes" aria-label="Processes" aria-rowcount=${props.processes.length + 1}>
    <div role="rowgroup" class="head"><div role="row" class="row">${headers.map((header) => html`<span role="columnheader">${header}</span>`)}</div></div>
    ${[...groups].map(([group, members]) => {
      const single = members.length === 1 && members[0]!.name === group;
      if (single) return html`<div role="rowgroup" key=${group}>${row(members[0]!, false)}</div>`;
      const open = !props.folded.has(group);
      const running = members.filter((process) => process.state === 'RUNNING').length;
      return html`<div role="rowgroup" key=${group} data-group=${group}>
        <div role="row" class="row group-row">
          <span role="rowheader" class="group-title">
            <button class="fold" aria-expanded=${open} onClick=${() => props.onToggleGroup(group)}><span aria-hidden="true">${open ? '▾' : '▸'}</span> ${group}</button>
            <span class="muted"> ${running}/${members.length} running</span>
            <${SignalPicker} target=${`${group}:*`} label=${`group ${group}`} onSend=${props.onSignal} />
          </span>
          <span role="cell" class="actions">
            <button onClick=${() => props.onAction('start', [`${group}:*`])} aria-label=${`start group ${group}`}>Start</button>
            <button onClick=${() => props.onAction('stop', [`${group}:*`])} aria-label=${`stop group ${group}`}>Stop</button>
            <button onClick=${() => props.onAction('restart', [`${group}:*`])} aria-label=${`restart group ${group}`}>Restart</button>
          </span>
        </div>
        ${open ? members.map((process) => row(process, true)) : null}
      </div>`;
    })}
  </div>`;
}
