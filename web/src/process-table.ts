import { Component } from 'preact';
import type { ActionName } from './api.js';
import { formatBytes, formatDuration, formatWhen, uptimeSeconds } from './format.js';
import { html } from './html.js';
import { StateBadge } from './state-badge.js';
import type { ProcessInfo } from './types.js';

export type OnAction = (action: ActionName, names: readonly string[]) => void;

interface RowProps {
  readonly process: ProcessInfo;
  readonly restarts: { count: number; exact: boolean };
  readonly lastExit: { exit: string; why: string };
  readonly nowSecond: number;
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

/** One process; it re-renders only when its object changes, or each second while its uptime counts. */
class ProcessRow extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps): boolean {
    const props = this.props;
    if (next.process !== props.process || next.selected !== props.selected || next.restarts.count !== props.restarts.count || next.lastExit.exit !== props.lastExit.exit) return true;
    return next.nowSecond !== props.nowSecond && (next.process.pid !== null || next.process.nextRunAt !== null);
  }

  override render({ process, restarts, lastExit, nowSecond, selected, grouped, onAction, onSelect }: RowProps) {
    const uptime = uptimeSeconds(process, nowSecond * 1000);
    const running = process.pid !== null;
    const label = process.name;
    return html`<tr class=${selected ? 'selected' : ''} data-name=${process.name} data-state=${process.state}>
      <td><${StateBadge} state=${process.state} /></td>
      <th scope="row" class=${grouped ? 'indent' : ''}><button class="link" aria-label=${`details and logs of ${label}`} onClick=${() => onSelect(process.name)}>${grouped ? process.processName : process.name}</button></th>
      <td>${process.group}</td>
      <td class="num" data-col="pid">${process.pid ?? ''}</td>
      <td class="num" data-col="uptime">${uptime === null ? '' : formatDuration(uptime)}</td>
      <td class="num" data-col="restarts" title=${restarts.exact ? 'restarts since the supervisor started' : 'restarts seen while this page is open'}>${restarts.count}${restarts.exact ? '' : '*'}</td>
      <td data-col="exit"><span class="exit">${lastExit.exit}</span> <span class="why">${lastExit.why}</span></td>
      <td class="num" data-col="cpu">${typeof process.cpuPercent === 'number' && running ? `${process.cpuPercent.toFixed(1)}%` : ''}</td>
      <td class="num" data-col="memory">${typeof process.rssBytes === 'number' && running ? formatBytes(process.rssBytes) : ''}</td>
      <td data-col="health">${process.health === null ? '' : html`<span class=${`health health-${process.health}`}>${process.health === 'healthy' ? '✔' : process.health === 'unhealthy' ? '✖' : '…'} ${process.health}</span>`}</td>
      <td class="num" data-col="port">${portCell(process)}</td>
      <td data-col="next">${process.nextRunAt === null ? '' : formatWhen(process.nextRunAt, nowSecond * 1000)}</td>
      <td class="actions">
        <button onClick=${() => onAction('start', [process.name])} disabled=${running} aria-label=${`start ${label}`}>Start</button>
        <button onClick=${() => onAction('stop', [process.name])} disabled=${!running && process.state !== 'BACKOFF'} aria-label=${`stop ${label}`}>Stop</button>
        <button onClick=${() => onAction('restart', [process.name])} aria-label=${`restart ${label}`}>Restart</button>
      </td>
    </tr>`;
  }
}

export interface TableProps {
  readonly processes: readonly ProcessInfo[];
  readonly restartsOf: (process: ProcessInfo) => { count: number; exact: boolean };
  readonly lastExitOf: (process: ProcessInfo) => { exit: string; why: string };
  readonly nowSecond: number;
  readonly selected: string | null;
  readonly folded: ReadonlySet<string>;
  readonly onToggleGroup: (group: string) => void;
  readonly onAction: OnAction;
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
    html`<${ProcessRow} key=${process.name} process=${process} restarts=${props.restartsOf(process)} lastExit=${props.lastExitOf(process)} nowSecond=${props.nowSecond} selected=${props.selected === process.name} grouped=${grouped} onAction=${props.onAction} onSelect=${props.onSelect} />`;
  return html`<table class="processes">
    <caption class="visually-hidden">Processes</caption>
    <thead><tr>
      <th scope="col">State</th><th scope="col">Name</th><th scope="col">Group</th><th scope="col">PID</th><th scope="col">Uptime</th>
      <th scope="col">Restarts</th><th scope="col">Last exit</th><th scope="col">CPU</th><th scope="col">Memory</th><th scope="col">Health</th>
      <th scope="col">Port</th><th scope="col">Next run</th><th scope="col">Actions</th>
    </tr></thead>
    ${[...groups].map(([group, members]) => {
      const single = members.length === 1 && members[0]!.name === group;
      if (single) return html`<tbody key=${group}>${row(members[0]!, false)}</tbody>`;
      const open = !props.folded.has(group);
      const running = members.filter((process) => process.state === 'RUNNING').length;
      return html`<tbody key=${group} data-group=${group}>
        <tr class="group-row">
          <th colspan="12" scope="rowgroup">
            <button class="fold" aria-expanded=${open} onClick=${() => props.onToggleGroup(group)}><span aria-hidden="true">${open ? '▾' : '▸'}</span> ${group}</button>
            <span class="muted"> ${running}/${members.length} running</span>
          </th>
          <td class="actions">
            <button onClick=${() => props.onAction('start', [`${group}:*`])} aria-label=${`start group ${group}`}>Start</button>
            <button onClick=${() => props.onAction('stop', [`${group}:*`])} aria-label=${`stop group ${group}`}>Stop</button>
            <button onClick=${() => props.onAction('restart', [`${group}:*`])} aria-label=${`restart group ${group}`}>Restart</button>
          </td>
        </tr>
        ${open ? members.map((process) => row(process, true)) : null}
      </tbody>`;
    })}
  </table>`;
}
