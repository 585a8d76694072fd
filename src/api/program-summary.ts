import type { ProgramConfig } from '../config/types.js';
import type { ProcessConfigSummary, ProgramSummary } from '../contracts/supervisor-api.js';
import type { ManagedProcess } from '../engine/managed-process.js';
import { processNameFor } from '../config/process-names.js';

function processSummary(program: ProgramConfig, processName: string, process: ManagedProcess | undefined): ProcessConfigSummary {
  return {
    processName,
    directory: program.workingDir,
    user: program.user,
    exitCodes: program.exitCodes,
    startRetries: program.startRetries,
    startSecs: Math.round(program.startTimeMs / 1000),
    stopSignal: program.stopSignal,
    stopWaitSecs: Math.round(program.stopTimeMs / 1000),
    stopAsGroup: program.stopAsGroup,
    killAsGroup: program.killAsGroup,
    redirectStderr: program.redirectStderr,
    stdoutPath: process?.output.path('stdout') ?? null,
    stderrPath: process?.output.path('stderr') ?? null,
    stdoutMaxBytes: program.stdoutMaxBytes,
    stdoutBackups: program.stdoutBackups,
    stderrMaxBytes: program.stderrMaxBytes,
    stderrBackups: program.stderrBackups,
  };
}

/** What avail reports of a program: in use (in the process table) or only in the config read last. */
export function programSummary(program: ProgramConfig, processes: readonly ManagedProcess[], inUse: boolean): ProgramSummary {
  const names = Array.from({ length: program.numprocs }, (_, index) => processNameFor(program, index));
  return {
    name: program.name,
    group: program.group,
    cmd: program.cmd,
    numprocs: program.numprocs,
    autostart: program.autostart,
    priority: program.priority,
    inUse,
    processes: names.map((processName, index) => processSummary(program, processName, processes[index])),
  };
}
