import type { Alert } from './alert.js';
import type { AlertChannel } from './alert-delivery.js';
import { runCommand } from './run-command.js';

const commandTimeoutMs = 30_000;

/** The alert as environment variables (the main fields) and as JSON on the command's stdin. */
export function commandEnvironment(alert: Alert): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TASKMASTER_EVENT: alert.event,
    TASKMASTER_PROCESS_NAME: alert.process,
    TASKMASTER_GROUP: alert.group,
    TASKMASTER_PID: alert.pid === null ? '' : String(alert.pid),
    TASKMASTER_EXIT_CODE: alert.exitCode === null ? '' : String(alert.exitCode),
    TASKMASTER_SIGNAL: alert.signal ?? '',
    TASKMASTER_REASON: alert.reason,
    TASKMASTER_ATTEMPT: String(alert.attempt),
    TASKMASTER_MESSAGE: alert.message,
  };
}

/** Runs a command of the user's for each alert. */
export class CommandChannel implements AlertChannel {
  readonly name: string;

  constructor(private readonly cmd: string) {
    this.name = `command ${cmd}`;
  }

  async send(alert: Alert): Promise<void> {
    const outcome = await runCommand(this.cmd, { env: commandEnvironment(alert), timeoutMs: commandTimeoutMs, input: `${JSON.stringify(alert)}\n` });
    if (!outcome.ok) throw new Error(outcome.summary);
  }
}
