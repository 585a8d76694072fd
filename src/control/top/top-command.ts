import type { SupervisorApi as ControlApi } from '../../contracts/supervisor-api.js';
import type { Terminal } from '../commands.js';

/** Runs `top` on this process's own terminal; refuses a pipe, and the shell, whose readline holds the keyboard. */
export async function topCommand(api: ControlApi, terminal: Terminal): Promise<0 | 2> {
  if (!terminal.isTTY || !process.stdin.isTTY || terminal.json) {
    terminal.writeError('top needs a terminal (stdin and stdout a TTY, no --json); for scripts use status --json or GET /metrics\n');
    return 2;
  }
  if (process.stdin.listenerCount('keypress') > 0) {
    terminal.writeError('top runs from the command line: taskmasterctl top\n');
    return 2;
  }
  // No supervisor: say so as every command does, before taking over the screen.
  await api.version();
  const { runTop } = await import('./run-top.js');
  const failure = await runTop(api, { input: process.stdin, output: process.stdout, colour: terminal.colour });
  if (failure === null) return 0;
  terminal.writeError(`top: ${failure}\n`);
  return 2;
}
