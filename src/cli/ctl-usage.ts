import { commandNames } from '../control/command-table.js';
import { wrapWords } from '../control/wrap-words.js';

/** taskmasterctl's usage; its command list comes from the command table, so it names every command help knows. */
export function ctlUsage(): string {
  return `Usage: taskmasterctl [-c FILE | -s SOCKET] [--json] [COMMAND [ARGS...]]

Controls a running taskmaster over its socket. With no COMMAND, opens the interactive shell.
Options may come anywhere (status web --json); -- ends them.
${wrapWords(`Commands: ${commandNames.join(', ')}.`, 92)}
"taskmasterctl help COMMAND" or "taskmasterctl COMMAND --help" explains one.

Exit status (supervisorctl's): 0 ok; 1 an action failed; 2 usage error;
3 status listed a process STOPPED, EXITED or FATAL; 4 status named an unknown process
or could not ask; 7 a process is not running (a spawn error) or no supervisor answered.`;
}
