import { dirname } from 'node:path';
import type { ProcessEventMessage } from '../contracts/process-events.js';
import type { SupervisorConfig } from '../config/types.js';
import type { ManagedProcess, ProcessHost } from '../engine/managed-process.js';
import type { FeatureHost } from '../features/feature-runtime.js';
import { colourFor } from '../engine/terminal-colour.js';
import type { Supervisor } from './supervisor.js';

/**
 * What every managed process is given by its supervisor: the logs, the output files, and
 * where its state changes go (the leftover record, resources, features, listeners, gates, front ends).
 */
export function createProcessHost(supervisor: Supervisor, config: SupervisorConfig, notifyGates: () => void): ProcessHost {
  return {
    log: supervisor.log,
    outputs: supervisor.outputs,
    configDir: dirname(config.file),
    logDir: () => supervisor.config.logDir,
    inheritSink: process.stdout,
    colourFor: (name) => colourFor(name),
    stripAnsi: () => supervisor.config.supervisord?.stripAnsi === true,
    socketPath: config.socket,
    extensions: supervisor.processFeatures,
    mayRestart: () => !supervisor.isShuttingDown,
    onStateChange: (process, previous) => {
      supervisor.onProcessChange?.(process);
      supervisor.resources.noteChange(process, previous);
      supervisor.features.onStateChange(process, previous);
      supervisor.eventListeners.current?.onStateChange(process, previous);
      notifyGates();
      // Building the status of a process costs something on the restart path: only for listeners.
      if (supervisor.listenerCount('state') === 0) return;
      const message: ProcessEventMessage = { type: 'state', process: supervisor.infoOf(process), previous };
      supervisor.emit('state', message);
    },
  };
}

/** What the features (health, schedules, monitors) are given: restarts go through the supervisor, health changes reach the gates and the front ends. */
export function createFeatureHost(supervisor: Supervisor, restartProcess: (process: ManagedProcess, why: string) => Promise<void>, notifyGates: () => void): FeatureHost {
  return {
    log: supervisor.log,
    mayRestart: () => !supervisor.isShuttingDown,
    restartProcess,
    processesOf: (name) => supervisor.table.processesOf(name),
    onHealthChange: (process) => {
      notifyGates();
      supervisor.emit('state', { type: 'state', process: supervisor.infoOf(process), previous: process.state });
    },
  };
}
