import { isStruct, type RpcValue } from './rpc-value.js';
import { faultOf, RpcFault } from './faults.js';
import type { RpcMethod } from './rpc-method.js';

export type CallMethod = (methodName: string, params: readonly RpcValue[]) => Promise<RpcValue>;

/** system.*: introspection and multicall over the methods of every namespace. */
export function systemMethods(methods: () => ReadonlyMap<string, RpcMethod>, callMethod: CallMethod): Record<string, RpcMethod> {
  const find = (name: RpcValue | undefined): RpcMethod => {
    const method = typeof name === 'string' ? methods().get(name) : undefined;
    if (!method) throw new RpcFault('SIGNATURE_UNSUPPORTED');
    return method;
  };
  return {
    'system.listMethods': {
      signature: ['array'],
      help: 'Return an array listing the available method names.\n\n@return array result An array of method names available (strings).',
      run: async () => [...methods().keys()].sort(),
    },
    'system.methodHelp': {
      signature: ['string', 'string'],
      help: "Return a string showing the method's documentation.\n\n@param string name The name of the method.\n@return string result The documentation for the method name.",
      run: async ([name]) => find(name).help,
    },
    'system.methodSignature': {
      signature: ['array', 'string'],
      help: 'Return an array describing the method signature in the form [rtype, ptype, ptype...].\n\n@param string name The name of the method.\n@return array result The result.',
      run: async ([name]) => [...find(name).signature],
    },
    'system.multicall': {
      signature: ['array', 'array'],
      help: "Process an array of calls, and return an array of results. Calls should be structs of the form {'methodName': string, 'params': array}. Each result is the value itself or a struct of the form {'faultCode': int, 'faultString': string}.\n\n@param array calls An array of call requests\n@return array result An array of results",
      async run([calls]) {
        if (!Array.isArray(calls)) throw new RpcFault('INCORRECT_PARAMETERS', 'calls must be an array');
        const results: RpcValue[] = [];
        // One after the other, as supervisord runs them: a later call may depend on an earlier one.
        for (const call of calls as readonly RpcValue[]) {
          try {
            const methodName = isStruct(call) ? call['methodName'] : undefined;
            if (typeof methodName !== 'string') throw new RpcFault('INCORRECT_PARAMETERS', 'No methodName');
            if (methodName === 'system.multicall') throw new RpcFault('INCORRECT_PARAMETERS', 'Recursive system.multicall forbidden');
            const params = isStruct(call) && Array.isArray(call['params']) ? (call['params'] as readonly RpcValue[]) : [];
            results.push(await callMethod(methodName, params));
          } catch (error) {
            const fault = faultOf(error);
            results.push({ faultCode: fault.code, faultString: fault.message });
          }
        }
        return results;
      },
    },
  };
}
