import { constants } from 'node:os';
import type { SupervisorApi } from '../../contracts/supervisor-api.js';
import { faultOf, RpcFault } from './faults.js';
import type { RpcMethod } from './rpc-method.js';
import { resolveProcess } from './rpc-processes.js';
import type { RpcValue } from './rpc-value.js';

/** The supervisor's mood as getState names it; SHUTDOWN and RESTARTING refuse what changes state. */
export type DaemonMood = 'RUNNING' | 'RESTARTING' | 'SHUTDOWN';
const moodCodes: Readonly<Record<DaemonMood, number>> = { RUNNING: 1, RESTARTING: 0, SHUTDOWN: -1 };

/** What the XML-RPC front end does to the whole supervisor, after its answer has gone out. */
export interface DaemonControl {
  mood(): DaemonMood;
  /** supervisor.shutdown: stop everything and exit. */
  requestShutdown(): void;
  /** supervisor.restart (`supervisorctl reload`): stop everything, read the config, start what autostarts. */
  requestRestart(): void;
}

/** The API version supervisorctl checks before every command: it refuses any other. */
export const rpcApiVersion = '3.0';

export function daemonMethods(api: SupervisorApi, daemon: DaemonControl): Record<string, RpcMethod> {
  const refuseUnlessRunning = (): void => {
    if (daemon.mood() !== 'RUNNING') throw new RpcFault('SHUTDOWN_STATE');
  };
  const version: RpcMethod = { signature: ['string'], help: 'Return the version of the RPC API used by supervisord.\n\n@return string version id', run: async () => rpcApiVersion };
  const call = async <T>(work: () => Promise<T>, detail?: string): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw faultOf(error, detail);
    }
  };
  return {
    'supervisor.getAPIVersion': version,
    'supervisor.getVersion': version,
    'supervisor.getSupervisorVersion': {
      signature: ['string'],
      help: 'Return the version of the supervisor package in use by supervisord.\n\n@return string version id',
      run: () => api.version(),
    },
    'supervisor.getIdentification': {
      signature: ['string'],
      help: 'Return identifying string of supervisord.\n\n@return string identifier identifying string',
      run: () => api.identification(),
    },
    'supervisor.getState': {
      signature: ['struct'],
      help: 'Return current state of supervisord as a struct.\n\n@return struct A struct with keys int statecode, string statename',
      run: async () => ({ statecode: moodCodes[daemon.mood()], statename: daemon.mood() }),
    },
    'supervisor.getPID': { signature: ['int'], help: 'Return the PID of supervisord.\n\n@return int PID', run: () => api.pid() },
    'supervisor.shutdown': {
      signature: ['boolean'],
      help: 'Shut down the supervisor process.\n\n@return boolean result always returns True unless error',
      async run() {
        refuseUnlessRunning();
        daemon.requestShutdown();
        return true;
      },
    },
    'supervisor.restart': {
      signature: ['boolean'],
      help: 'Restart the supervisor process.\n\n@return boolean result always return True unless error',
      async run() {
        refuseUnlessRunning();
        daemon.requestRestart();
        return true;
      },
    },
    'supervisor.reloadConfig': {
      signature: ['array'],
      help: 'Reload the configuration.\n\n@return array result [[added, changed, removed]]',
      async run() {
        refuseUnlessRunning();
        const result = await call(() => api.stageConfig());
        if (!result.ok || result.diff === null) throw new RpcFault('CANT_REREAD', result.errors.join('; '));
        // By group, as supervisorctl acts on them; supervision-only changes were applied in place by stageConfig.
        const { added, changed, removed } = result.diff.groups;
        return [[[...added], [...changed], [...removed]]];
      },
    },
    'supervisor.addProcessGroup': {
      signature: ['boolean', 'string'],
      help: 'Update the config for a running process from config file.\n\n@param string name name of process group to add\n@return boolean result true if successful',
      async run([name]) {
        refuseUnlessRunning();
        await call(() => api.activateProgram(String(name)), String(name));
        return true;
      },
    },
    'supervisor.removeProcessGroup': {
      signature: ['boolean', 'string'],
      help: 'Remove a stopped process from the active configuration.\n\n@param string name name of process group to remove\n@return boolean result Indicates whether the removal was successful',
      async run([name]) {
        refuseUnlessRunning();
        await call(() => api.deactivateProgram(String(name)), String(name));
        return true;
      },
    },
    'supervisor.getAllConfigInfo': {
      signature: ['array'],
      help: 'Get info about all available process configurations. Each struct represents a single process (i.e. groups get flattened).\n\n@return array result An array of process config info structs',
      async run() {
        const rows: Record<string, RpcValue>[] = [];
        for (const program of await api.avail()) {
          for (const process of program.processes ?? []) {
            rows.push({
              autostart: program.autostart,
              directory: process.directory ?? 'none',
              uid: process.user ?? 'none',
              command: program.cmd,
              exitcodes: [...process.exitCodes],
              group: program.group,
              group_prio: program.priority,
              inuse: program.inUse,
              killasgroup: process.killAsGroup,
              name: process.processName,
              process_prio: program.priority,
              redirect_stderr: process.redirectStderr,
              startretries: process.startRetries,
              startsecs: process.startSecs,
              stdout_capture_maxbytes: 0,
              stdout_events_enabled: false,
              stdout_logfile: process.stdoutPath ?? 'none',
              stdout_logfile_backups: process.stdoutBackups,
              stdout_logfile_maxbytes: process.stdoutMaxBytes,
              stdout_syslog: false,
              stopsignal: signalNumber(process.stopSignal),
              stopwaitsecs: process.stopWaitSecs,
              stderr_capture_maxbytes: 0,
              stderr_events_enabled: false,
              stderr_logfile: process.stderrPath ?? 'none',
              stderr_logfile_backups: process.stderrBackups,
              stderr_logfile_maxbytes: process.stderrMaxBytes,
              stderr_syslog: false,
              serverurl: 'AUTO',
            });
          }
        }
        return rows.sort((a, b) => String(a['name']).localeCompare(String(b['name'])));
      },
    },
    'supervisor.sendProcessStdin': {
      signature: ['boolean', 'string', 'string'],
      help: 'Send a string of chars to the stdin of the process name.\n\n@param string name The process name to send to (or group:name)\n@param string chars The character data to send to the process\n@return boolean result Always return True unless error',
      async run([name, chars]) {
        if (typeof chars !== 'string' && !Buffer.isBuffer(chars)) throw new RpcFault('INCORRECT_PARAMETERS', String(chars));
        const view = await resolveProcess(api, name);
        if (view.info.pid === null || view.info.state === 'STOPPING' || !['RUNNING', 'STARTING', 'BACKOFF'].includes(view.info.state)) throw new RpcFault('NOT_RUNNING', view.info.name);
        await call(() => api.writeStdin(view.info.name, chars.toString()), view.info.name);
        return true;
      },
    },
    'supervisor.sendRemoteCommEvent': {
      signature: ['boolean', 'string', 'string'],
      help: 'Send an event that will be received by event listener subprocesses subscribing to the RemoteCommunicationEvent.\n\n@param string type String for the "type" key in the event header\n@param string data Data for the event body\n@return boolean Always return True unless error',
      async run([type, data]) {
        await call(() => api.sendRemoteCommEvent(String(type), data === undefined ? '' : String(data)));
        return true;
      },
    },
  };
}

function signalNumber(name: string): number {
  return (constants.signals as Readonly<Record<string, number>>)[name] ?? constants.signals.SIGTERM;
}
