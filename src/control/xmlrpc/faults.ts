import { TaskmasterError } from '../../contracts/errors.js';

/** supervisord's fault codes (supervisor/xmlrpc.py Faults), which its clients test for. */
export const faultCodes = {
  UNKNOWN_METHOD: 1,
  INCORRECT_PARAMETERS: 2,
  BAD_ARGUMENTS: 3,
  SIGNATURE_UNSUPPORTED: 4,
  SHUTDOWN_STATE: 6,
  BAD_NAME: 10,
  BAD_SIGNAL: 11,
  NO_FILE: 20,
  NOT_EXECUTABLE: 21,
  FAILED: 30,
  ABNORMAL_TERMINATION: 40,
  SPAWN_ERROR: 50,
  ALREADY_STARTED: 60,
  NOT_RUNNING: 70,
  SUCCESS: 80,
  ALREADY_ADDED: 90,
  STILL_RUNNING: 91,
  CANT_REREAD: 92,
} as const;

export type FaultName = keyof typeof faultCodes;

/** A fault as supervisord words it: the code's name, then `: detail` when there is one. */
export class RpcFault extends Error {
  readonly code: number;

  constructor(name: FaultName, detail?: string) {
    super(detail === undefined || detail === '' ? name : `${name}: ${detail}`);
    this.name = 'RpcFault';
    this.code = faultCodes[name];
  }
}

const faultByErrorCode: Partial<Record<TaskmasterError['code'], FaultName>> = {
  E_NO_SUCH_PROCESS: 'BAD_NAME',
  E_BAD_SIGNAL: 'BAD_SIGNAL',
  E_NOT_RUNNING: 'NOT_RUNNING',
  E_SHUTTING_DOWN: 'SHUTDOWN_STATE',
  E_NOT_FOUND: 'NO_FILE',
  E_ALREADY_ADDED: 'ALREADY_ADDED',
  E_STILL_RUNNING: 'STILL_RUNNING',
  E_CONFIG_INVALID: 'CANT_REREAD',
  E_BAD_REQUEST: 'BAD_ARGUMENTS',
  E_STDIN_FULL: 'FAILED',
};

/** An API error as the fault a supervisord client expects; `name` is the detail supervisord gives (a process name). */
export function faultOf(error: unknown, detail?: string): RpcFault {
  if (error instanceof RpcFault) return error;
  if (error instanceof TaskmasterError) {
    const name = faultByErrorCode[error.code] ?? 'FAILED';
    const keepsName = name === 'BAD_NAME' || name === 'BAD_SIGNAL' || name === 'NOT_RUNNING' || name === 'ALREADY_ADDED' || name === 'STILL_RUNNING';
    return new RpcFault(name, keepsName && detail !== undefined ? detail : error.message);
  }
  return new RpcFault('FAILED', (error as Error)?.message ?? String(error));
}
