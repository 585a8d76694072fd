import { run, type CommandResult } from './helpers.js';

/** Debian's supervisor package (4.2.5); .ci/run installs it. */
export const supervisorctlBin = '/usr/bin/supervisorctl';

/** The real supervisorctl against a Taskmaster's control socket. */
export function supervisorctl(socket: string, ...args: string[]): Promise<CommandResult> {
  return run(supervisorctlBin, ['-s', `unix://${socket}`, ...args], { timeoutMs: 60_000 });
}
