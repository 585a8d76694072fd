export type ErrorCode =
  | 'E_CONFIG_INVALID'
  | 'E_NO_SUCH_PROCESS'
  | 'E_BAD_SIGNAL'
  | 'E_BAD_REQUEST'
  | 'E_NOT_FOUND'
  | 'E_TOO_LARGE'
  | 'E_SHUTTING_DOWN'
  | 'E_NOT_RUNNING'
  | 'E_STDIN_FULL'
  | 'E_NO_SUPERVISOR'
  | 'E_UNAUTHORIZED'
  | 'E_FORBIDDEN'
  | 'E_UNSUPPORTED_MEDIA_TYPE'
  | 'E_TOO_MANY_REQUESTS'
  | 'E_NOT_A_TERMINAL'
  | 'E_INTERNAL';

/** An error a user or client can act on; crosses the socket as `{code, message, details}`. */
export class TaskmasterError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'TaskmasterError';
    this.code = code;
    this.details = details;
  }
}
