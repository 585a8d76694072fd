import { addProgramToText, removeProgramFromText, type ProgramEntrySpec } from '../config/edit-programs.js';
import { TaskmasterError } from '../contracts/errors.js';
import type { ActionResult, ProgramChangeResult } from '../contracts/supervisor-api.js';
import type { ProcessState } from '../engine/state-machine.js';
import type { Supervisor } from './supervisor.js';

const settledAfterStart: readonly ProcessState[] = ['RUNNING', 'FATAL', 'STOPPED', 'EXITED'];

/** `add`: writes the program to the config file, applies the file, and waits for its processes to start or fail. */
export async function addProgram(supervisor: Supervisor, spec: ProgramEntrySpec): Promise<ProgramChangeResult> {
  if (supervisor.table.get(spec.name)) throw new TaskmasterError('E_BAD_REQUEST', `${spec.name} is already a program: remove it first, or edit ${supervisor.config.file} and reload`);
  const reload = await supervisor.reloader.applyEdit((text, file) => addProgramToText(text, file, spec));
  const processes = supervisor.table.processesOf(spec.name);
  const results = await Promise.all(
    processes.map(async (process): Promise<ActionResult> => {
      const snapshot = await process.waitFor((current) => settledAfterStart.includes(current.state));
      const ok = snapshot.state === 'RUNNING';
      const message = ok ? 'started' : snapshot.state === 'FATAL' ? `spawn error: ${snapshot.spawnError ?? 'gave up'}` : `ended ${snapshot.state}`;
      return { name: process.fullName, ok, state: snapshot.state, message };
    }),
  );
  return { name: spec.name, change: 'added', file: supervisor.config.file, reload, results };
}

/** `remove`: takes the program out of the config file and applies the file, which stops its processes. */
export async function removeProgram(supervisor: Supervisor, name: string): Promise<ProgramChangeResult> {
  const entry = supervisor.table.get(name);
  if (!entry) throw new TaskmasterError('E_NO_SUCH_PROCESS', `no such program: ${name} (taskmasterctl avail lists them)`);
  const processes = [...entry.processes];
  const reload = await supervisor.reloader.applyEdit((text, file) => removeProgramFromText(text, file, name));
  supervisor.stoppedByHand.clear(processes.map((process) => process.fullName));
  const results = processes.map((process): ActionResult => ({ name: process.fullName, ok: true, state: process.state, message: 'removed' }));
  return { name, change: 'removed', file: supervisor.config.file, reload, results };
}
