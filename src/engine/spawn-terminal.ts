import { defaultTerminalSize } from '../contracts/terminal-attach.js';
import type { TerminalChild, TerminalSpawner } from './child-handle.js';
import { trackOwnChild } from './child-reaper.js';
import { isResourceShortage, planLaunch, withUmask, type SpawnFailure, type SpawnRequest } from './spawn-child.js';

/** What a program under a terminal is told it runs in, unless its env says otherwise. */
export const defaultTerm = 'xterm-256color';

/**
 * Starts a `tty: true` child on a new pseudo-terminal, with the same plan as a piped one
 * (command, user through setpriv, directory, environment, umask); it leads its own session,
 * so its pid is its process group and the group signals reach it.
 */
export function spawnTerminalChild(request: SpawnRequest, spawner: TerminalSpawner): { ok: true; child: TerminalChild; warning: string | null } | SpawnFailure {
  const plan = planLaunch(request);
  if ('ok' in plan) return plan;
  // Without setpriv only a bare setuid would remain, which keeps root's supplementary groups under a terminal spawner.
  if (plan.uid !== undefined) return { ok: false, transient: false, reason: `couldn't setuid to ${request.program.user} under a terminal: tty with user: needs setpriv (util-linux) in PATH` };
  plan.env['TERM'] = request.program.env['TERM'] ?? defaultTerm;
  try {
    const child = withUmask(plan.umask, () => spawner(plan, defaultTerminalSize));
    // Its exit is waited for by the spawner: a reaper sweeping orphans must leave it alone.
    if (child.pid !== undefined) trackOwnChild(child.pid, child);
    return { ok: true, child, warning: plan.warning };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, transient: isResourceShortage(code), reason: `couldn't exec ${plan.file} on a terminal: ${code ?? (error as Error).message}` };
  }
}
