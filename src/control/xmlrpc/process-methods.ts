import type { ProcessState } from '../../contracts/process-info.js';
import type { SupervisorApi } from '../../contracts/supervisor-api.js';
import { faultCodes, faultOf, RpcFault } from './faults.js';
import { processStruct } from './process-struct.js';
import type { RpcMethod } from './rpc-method.js';
import { loadViews, resolveGroup, resolveName, type ProcessView } from './rpc-processes.js';
import type { RpcValue } from './rpc-value.js';

const runningStates: readonly ProcessState[] = ['RUNNING', 'BACKOFF', 'STARTING'];
const signallableStates: readonly ProcessState[] = ['RUNNING', 'STARTING', 'STOPPING'];

type Outcome = Record<string, RpcValue>;

function outcome(view: ProcessView, fault: RpcFault | null): Outcome {
  return { name: view.info.processName, group: view.info.group, status: fault?.code ?? faultCodes.SUCCESS, description: fault?.message ?? 'OK' };
}

function flag(value: RpcValue | undefined): boolean {
  return value === undefined ? true : Boolean(value);
}

/** Waits for the action, or lets it run on when the caller asked not to wait; a late failure is only logged by the supervisor. */
function maybeWait(work: Promise<unknown>, wait: boolean): Promise<unknown> {
  if (wait) return work;
  work.catch(() => undefined);
  return Promise.resolve();
}

/** Start, stop and signal, for a process, a group and all, with supervisord's faults and per-process results. */
export function processMethods(api: SupervisorApi): Record<string, RpcMethod> {
  const startOne = async (view: ProcessView, wait: boolean): Promise<true> => {
    const name = view.info.name;
    if (runningStates.includes(view.info.state)) throw new RpcFault('ALREADY_STARTED', name);
    const started = api.start([name]).then(([result]) => {
      if (!result || result.ok) return;
      if (result.state === 'FATAL') throw new RpcFault('SPAWN_ERROR', name);
      throw new RpcFault('ABNORMAL_TERMINATION', name);
    });
    await maybeWait(started, wait);
    return true;
  };
  const stopOne = async (view: ProcessView, wait: boolean): Promise<true> => {
    if (!runningStates.includes(view.info.state)) throw new RpcFault('NOT_RUNNING', view.info.name);
    await maybeWait(api.stop([view.info.name]), wait);
    return true;
  };
  const signalOne = async (view: ProcessView, signal: RpcValue | undefined): Promise<true> => {
    if (typeof signal !== 'string' && typeof signal !== 'number') throw new RpcFault('BAD_SIGNAL', String(signal));
    try {
      const [result] = await api.signal(String(signal), [view.info.name]);
      if (!signallableStates.includes(view.info.state) || (result && !result.ok)) throw new RpcFault('NOT_RUNNING', view.info.name);
    } catch (error) {
      throw faultOf(error, error instanceof RpcFault ? undefined : String(signal));
    }
    return true;
  };
  // make_allfunc: act on the processes the predicate picks, in order; a fault is that process's result.
  const forEach = async (views: readonly ProcessView[], picked: (view: ProcessView) => boolean, act: (view: ProcessView) => Promise<unknown>): Promise<Outcome[]> =>
    Promise.all(views.filter(picked).map((view) => act(view).then(() => outcome(view, null), (error: unknown) => outcome(view, faultOf(error, view.info.name)))));
  const notRunning = (view: ProcessView): boolean => !runningStates.includes(view.info.state);
  const running = (view: ProcessView): boolean => runningStates.includes(view.info.state);
  const signallable = (view: ProcessView): boolean => signallableStates.includes(view.info.state);
  const startGroup = async (name: RpcValue | undefined, wait: boolean): Promise<Outcome[]> => forEach(await resolveGroup(api, name), notRunning, (view) => startOne(view, wait));
  const stopGroup = async (name: RpcValue | undefined, wait: boolean): Promise<Outcome[]> => forEach(await resolveGroup(api, name), running, (view) => stopOne(view, wait));
  const signalGroup = async (name: RpcValue | undefined, signal: RpcValue | undefined): Promise<Outcome[]> => forEach(await resolveGroup(api, name), signallable, (view) => signalOne(view, signal));
  return {
    'supervisor.getProcessInfo': {
      signature: ['struct', 'string'],
      help: 'Get info about a process named name.\n\n@param string name The name of the process (or group:name)\n@return struct result A structure containing data about the process',
      async run([name]) {
        const resolved = await resolveName(api, name);
        if (resolved.kind !== 'process') throw new RpcFault('BAD_NAME', String(name));
        return processStruct(resolved.view.info, resolved.view.config);
      },
    },
    'supervisor.getAllProcessInfo': {
      signature: ['array'],
      help: 'Get info about all processes.\n\n@return array result An array of process status results',
      async run() {
        const views = await loadViews(api);
        const lexical = [...views].sort((a, b) => a.info.group.localeCompare(b.info.group) || a.info.processName.localeCompare(b.info.processName));
        return lexical.map((view) => processStruct(view.info, view.config));
      },
    },
    'supervisor.startProcess': {
      signature: ['boolean', 'string', 'boolean'],
      optional: 1,
      help: 'Start a process.\n\n@param string name Process name (or group:name, or group:*)\n@param boolean wait Wait for process to be fully started\n@return boolean result Always true unless error',
      async run([name, wait]) {
        const resolved = await resolveName(api, name);
        if (resolved.kind === 'group') return startGroup(resolved.group, flag(wait));
        return startOne(resolved.view, flag(wait));
      },
    },
    'supervisor.startProcessGroup': {
      signature: ['array', 'string', 'boolean'],
      optional: 1,
      help: 'Start all processes in the group named name.\n\n@param string name The group name\n@param boolean wait Wait for each process to be fully started\n@return array result An array of process status info structs',
      run: ([name, wait]) => startGroup(name, flag(wait)),
    },
    'supervisor.startAllProcesses': {
      signature: ['array', 'boolean'],
      optional: 1,
      help: 'Start all processes listed in the configuration file.\n\n@param boolean wait Wait for each process to be fully started\n@return array result An array of process status info structs',
      run: async ([wait]) => forEach(await loadViews(api), notRunning, (view) => startOne(view, flag(wait))),
    },
    'supervisor.stopProcess': {
      signature: ['boolean', 'string', 'boolean'],
      optional: 1,
      help: 'Stop a process named by name.\n\n@param string name The name of the process to stop (or group:name)\n@param boolean wait Wait for the process to be fully stopped\n@return boolean result Always return true unless error',
      async run([name, wait]) {
        const resolved = await resolveName(api, name);
        if (resolved.kind === 'group') return stopGroup(resolved.group, flag(wait));
        return stopOne(resolved.view, flag(wait));
      },
    },
    'supervisor.stopProcessGroup': {
      signature: ['array', 'string', 'boolean'],
      optional: 1,
      help: 'Stop all processes in the process group named name.\n\n@param string name The group name\n@param boolean wait Wait for each process to be fully stopped\n@return array result An array of process status info structs',
      run: ([name, wait]) => stopGroup(name, flag(wait)),
    },
    'supervisor.stopAllProcesses': {
      signature: ['array', 'boolean'],
      optional: 1,
      help: 'Stop all processes in the process list.\n\n@param boolean wait Wait for each process to be fully stopped\n@return array result An array of process status info structs',
      async run([wait]) {
        const views = await loadViews(api);
        const picked = views.filter(running);
        if (!flag(wait)) return forEach(views, running, (view) => stopOne(view, false));
        // One stop of them all, so dependents stop before what they depend on.
        await api.stop(picked.map((view) => view.info.name));
        return picked.map((view) => outcome(view, null));
      },
    },
    'supervisor.signalProcess': {
      signature: ['boolean', 'string', 'string'],
      help: "Send an arbitrary UNIX signal to the process named by name.\n\n@param string name Name of the process to signal (or group:name)\n@param string signal Signal to send, as name ('HUP') or number ('1')\n@return boolean",
      async run([name, signal]) {
        const resolved = await resolveName(api, name);
        if (resolved.kind === 'group') return signalGroup(resolved.group, signal);
        return signalOne(resolved.view, signal);
      },
    },
    'supervisor.signalProcessGroup': {
      signature: ['array', 'string', 'string'],
      help: "Send a signal to all processes in the group named name.\n\n@param string name The group name\n@param string signal Signal to send, as name ('HUP') or number ('1')\n@return array",
      run: ([name, signal]) => signalGroup(name, signal),
    },
    'supervisor.signalAllProcesses': {
      signature: ['array', 'string'],
      help: "Send a signal to all processes in the process list.\n\n@param string signal Signal to send, as name ('HUP') or number ('1')\n@return array An array of process status info structs",
      run: async ([signal]) => forEach(await loadViews(api), signallable, (view) => signalOne(view, signal)),
    },
  };
}
