import type { LogLevel } from './state-machine.js';

/** What one event-log line says, before its timestamp. */
export interface LogLine {
  readonly level: LogLevel;
  readonly message: string;
}

interface Context {
  readonly event?: string;
  readonly process?: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/**
 * The event log of an INI config says what supervisord says, word for word, for the lines
 * tools grep: process names without their group, its levels (an unexpected exit is WARN),
 * and none of taskmaster's extra detail.
 */
export function supervisordWording(line: LogLine, context: Context): LogLine {
  const started = /^taskmaster \S+ started with pid (\d+)$/.exec(line.message);
  if (started) return { level: 'info', message: `supervisord started with pid ${started[1]}` };
  const fullName = context.process;
  // supervisord names a process without its group: `web_00`, not `web:web_00`.
  const shortName = fullName?.includes(':') ? fullName.slice(fullName.indexOf(':') + 1) : fullName;
  const message = fullName && shortName !== fullName ? line.message.split(fullName).join(shortName) : line.message;
  switch (context.event) {
    case 'exited': {
      const unexpected = /; (not expected|timed out|its start failed)\)$/;
      if (unexpected.test(message)) return { level: 'warn', message: message.replace(unexpected, '; not expected)') };
      return { level: 'info', message };
    }
    case 'stopped':
      // supervisord warns unless the exit status is an expected one; a signal never is.
      return { level: context.fields?.['exitCode'] === 0 ? 'info' : 'warn', message };
    case 'stopping':
      return { level: 'info', message: `waiting for ${shortName} to stop` };
    case 'killed':
      return { level: 'warn', message };
    case 'backoff':
      // supervisord says nothing between a quick exit and the next spawn.
      return { level: 'debug', message };
    default:
      return { level: line.level, message };
  }
}
