import type { SupervisorApi } from '../../contracts/supervisor-api.js';
import { daemonMethods, type DaemonControl } from './daemon-methods.js';
import { faultOf, RpcFault } from './faults.js';
import { logMethods } from './log-methods.js';
import { processMethods } from './process-methods.js';
import type { RpcMethod } from './rpc-method.js';
import type { RpcValue } from './rpc-value.js';
import { systemMethods } from './system-methods.js';

export type RpcOutcome = { readonly ok: true; readonly value: RpcValue } | { readonly ok: false; readonly code: number; readonly text: string };

/** Every method supervisord publishes that Taskmaster serves, by `namespace.method`, over the one SupervisorApi. */
export function createDispatcher(api: SupervisorApi, daemon: DaemonControl): (methodName: string, params: readonly RpcValue[]) => Promise<RpcOutcome> {
  const methods = new Map<string, RpcMethod>();
  const callMethod = async (methodName: string, params: readonly RpcValue[]): Promise<RpcValue> => {
    const method = methods.get(methodName);
    if (!method) throw new RpcFault('UNKNOWN_METHOD');
    const most = method.signature.length - 1;
    if (params.length > most || params.length < most - (method.optional ?? 0)) throw new RpcFault('INCORRECT_PARAMETERS');
    return method.run(params);
  };
  const tables = [processMethods(api), logMethods(api), daemonMethods(api, daemon), systemMethods(() => methods, callMethod)];
  for (const table of tables) for (const [name, method] of Object.entries(table)) methods.set(name, method);
  return async (methodName, params) => {
    try {
      return { ok: true, value: await callMethod(methodName, params) };
    } catch (error) {
      const fault = faultOf(error);
      return { ok: false, code: fault.code, text: fault.message };
    }
  };
}
