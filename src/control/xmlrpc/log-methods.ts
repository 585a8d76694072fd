import { TaskmasterError } from '../../contracts/errors.js';
import type { LogSource, OutputStreamName, SupervisorApi } from '../../contracts/supervisor-api.js';
import { faultCodes, faultOf, RpcFault } from './faults.js';
import { readWindow, tailWindow } from './log-window.js';
import type { RpcMethod } from './rpc-method.js';
import { loadViews, resolveProcess } from './rpc-processes.js';
import type { RpcValue } from './rpc-value.js';

function integer(value: RpcValue | undefined, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new RpcFault('INCORRECT_PARAMETERS', `${what} must be an int`);
  return value;
}

const isMissingFile = (error: unknown): boolean => error instanceof TaskmasterError && error.code === 'E_NOT_FOUND';

/** readLog, the read and tail methods of each stream, and clearing, by byte offsets as supervisord counts them. */
export function logMethods(api: SupervisorApi): Record<string, RpcMethod> {
  const read = async (source: LogSource, offset: RpcValue | undefined, length: RpcValue | undefined, detail: string): Promise<string> => {
    const window = readWindow(integer(offset, 'offset'), integer(length, 'length'));
    try {
      return (await api.readLogRange(source, window.start, window.length)).text;
    } catch (error) {
      throw faultOf(error, detail);
    }
  };
  const readStream = (stream: OutputStreamName): RpcMethod => ({
    signature: ['string', 'string', 'int', 'int'],
    help: `Read length bytes from name's ${stream} log starting at offset.\n\n@param string name the name of the process (or group:name)\n@param int offset offset to start reading from.\n@param int length number of bytes to read from the log.\n@return string result Bytes of log`,
    async run([name, offset, length]) {
      const view = await resolveProcess(api, name);
      return read({ kind: 'process', name: view.info.name, stream }, offset, length, view.config?.[stream === 'stdout' ? 'stdoutPath' : 'stderrPath'] ?? 'None');
    },
  });
  const tailStream = (stream: OutputStreamName): RpcMethod => ({
    signature: ['array', 'string', 'int', 'int'],
    help: `Provides a more efficient way to tail the (${stream}) log than read${stream === 'stdout' ? 'ProcessStdoutLog' : 'ProcessStderrLog'}().\n\n@param string name the name of the process (or group:name)\n@param int offset offset to start reading from\n@param int length maximum number of bytes to return\n@return array result [string bytes, int offset, bool overflow]`,
    async run([name, offset, length]) {
      const view = await resolveProcess(api, name);
      const from = integer(offset, 'offset');
      const wanted = integer(length, 'length');
      const source: LogSource = { kind: 'process', name: view.info.name, stream };
      try {
        // With nothing to read, ask for no bytes past the end: only the size comes back.
        const range = wanted > 0 ? await api.readLogRange(source, -wanted, wanted) : await api.readLogRange(source, Number.MAX_SAFE_INTEGER, 1);
        return tailWindow(from, wanted, range.text, range.sizeBytes);
      } catch (error) {
        if (isMissingFile(error)) return ['', 0, false];
        throw faultOf(error, view.info.name);
      }
    },
  });
  const clearOne = async (name: string): Promise<void> => {
    const [result] = await api.clear(name);
    if (result && !result.ok) throw new RpcFault('FAILED', name);
  };
  const clear: RpcMethod = {
    signature: ['boolean', 'string'],
    help: 'Clear the stdout and stderr logs for the named process and reopen them.\n\n@param string name The name of the process (or group:name)\n@return boolean result Always True unless error',
    async run([name]) {
      await clearOne((await resolveProcess(api, name)).info.name);
      return true;
    },
  };
  const readMain: RpcMethod = {
    signature: ['string', 'int', 'int'],
    help: 'Read length bytes from the main log starting at offset.\n\n@param int offset offset to start reading from.\n@param int length number of bytes to read from the log.\n@return string result Bytes of log',
    run: ([offset, length]) => read({ kind: 'events' }, offset, length, ''),
  };
  return {
    'supervisor.readLog': readMain,
    'supervisor.readMainLog': readMain,
    'supervisor.clearLog': {
      signature: ['boolean'],
      help: 'Clear the main log.\n\n@return boolean result always returns True unless error',
      async run() {
        try {
          await api.clearEventLog();
        } catch (error) {
          // supervisord's NO_FILE carries no detail; any other failure is FAILED.
          const fault = faultOf(error);
          throw fault.code === faultCodes.NO_FILE ? new RpcFault('NO_FILE') : fault;
        }
        return true;
      },
    },
    'supervisor.readProcessStdoutLog': readStream('stdout'),
    'supervisor.readProcessLog': readStream('stdout'),
    'supervisor.readProcessStderrLog': readStream('stderr'),
    'supervisor.tailProcessStdoutLog': tailStream('stdout'),
    'supervisor.tailProcessLog': tailStream('stdout'),
    'supervisor.tailProcessStderrLog': tailStream('stderr'),
    'supervisor.clearProcessLogs': clear,
    'supervisor.clearProcessLog': clear,
    'supervisor.clearAllProcessLogs': {
      signature: ['array'],
      help: 'Clear all process log files.\n\n@return array result An array of process status info structs',
      async run() {
        const results: Record<string, RpcValue>[] = [];
        for (const view of await loadViews(api)) {
          try {
            await clearOne(view.info.name);
            results.push({ name: view.info.processName, group: view.info.group, status: faultCodes.SUCCESS, description: 'OK' });
          } catch (error) {
            const fault = faultOf(error, view.info.name);
            results.push({ name: view.info.processName, group: view.info.group, status: fault.code, description: fault.message });
          }
        }
        return results;
      },
    },
  };
}
