import type { ProcessInfo } from '../../contracts/process-info.js';
import type { ProcessConfigSummary, SupervisorApi } from '../../contracts/supervisor-api.js';
import { RpcFault } from './faults.js';

/** A process as XML-RPC sees it: its status and what its config says (log paths). */
export interface ProcessView {
  readonly info: ProcessInfo;
  readonly config: ProcessConfigSummary | undefined;
}

export type Resolved = { readonly kind: 'group'; readonly group: string; readonly members: ProcessView[] } | { readonly kind: 'process'; readonly view: ProcessView };

/** supervisord's make_namespec: `name` alone when the group has the process's name. */
export function namespec(group: string, name: string): string {
  return group === name ? name : `${group}:${name}`;
}

/** Every process in start order, joined with its config. */
export async function loadViews(api: SupervisorApi): Promise<ProcessView[]> {
  const [infos, programs] = await Promise.all([api.status(), api.avail()]);
  const configs = new Map<string, ProcessConfigSummary>();
  for (const program of programs) {
    if (program.inUse) for (const process of program.processes ?? []) configs.set(`${program.group}:${process.processName}`, process);
  }
  return infos.map((info) => ({ info, config: configs.get(`${info.group}:${info.processName}`) }));
}

/**
 * supervisord's split_namespec: `group:name`, `group:*` or `group:` (the group), `name` (the
 * process `name` of the group `name`). Beyond it, a bare name is a group when that group has no
 * process so named, or a process that is alone with its name in every group. Anything else is
 * BAD_NAME, with the name as given.
 */
export async function resolveName(api: SupervisorApi, name: unknown): Promise<Resolved> {
  if (typeof name !== 'string') throw new RpcFault('INCORRECT_PARAMETERS', 'a name must be a string');
  const colon = name.indexOf(':');
  const group = colon === -1 ? name : name.slice(0, colon);
  const processName = colon === -1 ? name : name.slice(colon + 1);
  const views = await loadViews(api);
  const members = views.filter((view) => view.info.group === group);
  if (processName === '' || processName === '*') {
    if (members.length === 0) throw new RpcFault('BAD_NAME', name);
    return { kind: 'group', group, members };
  }
  const view = members.find((member) => member.info.processName === processName);
  if (view) return { kind: 'process', view };
  if (colon !== -1) throw new RpcFault('BAD_NAME', name);
  if (members.length > 0) return { kind: 'group', group, members };
  const alone = views.filter((candidate) => candidate.info.processName === name);
  if (alone.length !== 1) throw new RpcFault('BAD_NAME', name);
  return { kind: 'process', view: alone[0]! };
}

export async function resolveProcess(api: SupervisorApi, name: unknown): Promise<ProcessView> {
  const resolved = await resolveName(api, name);
  if (resolved.kind !== 'process') throw new RpcFault('BAD_NAME', String(name));
  return resolved.view;
}

export async function resolveGroup(api: SupervisorApi, name: unknown): Promise<ProcessView[]> {
  if (typeof name !== 'string') throw new RpcFault('INCORRECT_PARAMETERS', 'a group name must be a string');
  const members = (await loadViews(api)).filter((view) => view.info.group === name);
  if (members.length === 0) throw new RpcFault('BAD_NAME', name);
  return members;
}
