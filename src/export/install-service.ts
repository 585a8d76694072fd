import type { SupervisorConfig } from '../config/types.js';
import type { ExportedFile } from './exported-file.js';
import { execLine, pathValue } from './systemd-quote.js';

export interface InstallServiceOptions {
  /** Unit name without `.service`. */
  readonly name: string;
  /** Absolute path of node, and of taskmaster's entry script. */
  readonly node: string;
  readonly entry: string;
}

/** A unit that runs Taskmaster itself at boot: it says READY=1 once its autostart programs run. */
export function installService(config: SupervisorConfig, options: InstallServiceOptions): ExportedFile {
  const longestStopMs = Math.max(10_000, ...[...config.programs.values()].map((program) => program.stopTimeMs + 5_000));
  const text = [
    '[Unit]',
    `Description=Taskmaster supervising ${pathValue(config.file)}`,
    'After=network.target',
    '',
    '[Service]',
    'Type=notify',
    // READY=1 may come from a helper child (systemd-notify) when the native addon is missing.
    'NotifyAccess=all',
    `ExecStart=${execLine([options.node, options.entry, '--no-shell', '-c', config.file])}`,
    'ExecReload=/bin/kill -HUP $MAINPID',
    'KillMode=mixed',
    // Taskmaster stops its programs itself; systemd's SIGKILL waits for the slowest stoptime.
    `TimeoutStopSec=${Math.ceil(longestStopMs / 1000)}s`,
    'TimeoutStartSec=5min',
    'WatchdogSec=30s',
    'Restart=on-failure',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
  return { name: `${options.name}.service`, text };
}
