import type { EventLog } from '../engine/event-log.js';
import type { ManagedProcess } from '../engine/managed-process.js';
import { withPort } from './probe.js';
import { runCommand } from './run-command.js';

/** Runs the prestart hook; a failure rejects with what the hook said, and the spawn fails. */
export async function runPrestart(process: ManagedProcess): Promise<void> {
  const hook = process.program.prestart;
  if (hook === null) return;
  const outcome = await runCommand(withPort(hook.cmd, process.port), {
    env: process.environment(),
    cwd: process.program.workingDir ?? undefined,
    timeoutMs: hook.timeoutMs,
    user: process.program.user,
  });
  if (!outcome.ok) {
    const output = outcome.output.trim();
    throw new Error(`prestart failed (${outcome.summary})${output ? `: ${output}` : ''}`);
  }
}

/** Runs the poststop hook after a run ended; a failure is logged, nothing waits for it. */
export function runPoststop(process: ManagedProcess, log: EventLog): void {
  const hook = process.program.poststop;
  if (hook === null) return;
  void runCommand(withPort(hook.cmd, process.port), {
    env: process.environment(),
    cwd: process.program.workingDir ?? undefined,
    timeoutMs: hook.timeoutMs,
    user: process.program.user,
  }).then((outcome) => {
    if (!outcome.ok) log.warn(`poststop of ${process.fullName} failed (${outcome.summary}): ${outcome.output.trim()}`, { event: 'hook_failed', process: process.fullName });
  });
}
