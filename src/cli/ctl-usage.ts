import { commandNames } from '../control/command-table.js';
import { wrapWords } from '../control/wrap-words.js';

/** taskmasterctl's usage; its command list comes from the command table, so it names every command help knows. */
export function ctlUsage(): string {
  return `Usage: taskmasterctl [-c FILE | -s SOCKET] [--json] [COMMAND [ARGS...]]

Controls a running taskmaster over its socket. With no COMMAND, opens the interactive shell.
${wrapWords(`Commands: ${commandNames.join(', ')}.`, 92)}
"taskmasterctl help COMMAND" explains one.

Exit status: 0 ok; 1 an action failed; 2 usage error or no supervisor answered;
3 status listed a process that is not RUNNING.`;
}
