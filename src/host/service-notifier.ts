import type { ProcessInfo } from '../contracts/process-info.js';
import { fullNamesOf } from '../config/process-names.js';
import type { SupervisorConfig } from '../config/types.js';
import type { NotifySocket } from './notify-socket.js';

/** What the notifier needs of the supervisor. */
export interface NotifiedSupervisor {
  readonly config: SupervisorConfig;
  readonly isShuttingDown: boolean;
  status(): ProcessInfo[] | Promise<ProcessInfo[]>;
  on(event: 'state', listener: () => void): unknown;
  on(event: 'reload', listener: (phase: 'start' | 'end') => void): unknown;
  off(event: 'state', listener: () => void): unknown;
  off(event: 'reload', listener: (phase: 'start' | 'end') => void): unknown;
  readonly log: { info(message: string): void; warn(message: string): void };
}

/** True once every process of every autostart program (schedules aside) is RUNNING. */
export function allAutostartRunning(config: SupervisorConfig, processes: readonly ProcessInfo[]): boolean {
  const awaited = new Set([...config.programs.values()].filter((program) => program.autostart && program.schedule === null).flatMap(fullNamesOf));
  return processes.every((process) => !awaited.has(process.name) || process.state === 'RUNNING');
}

/** The watchdog period systemd asks for, if it is meant for this process. */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid: number): number | null {
  const usec = Number(env['WATCHDOG_USEC']);
  if (!Number.isFinite(usec) || usec <= 0) return null;
  if (env['WATCHDOG_PID'] !== undefined && Number(env['WATCHDOG_PID']) !== pid) return null;
  // Half the period, as sd_watchdog_enabled(3) advises, so one late tick is no failure.
  return Math.max(1, Math.floor(usec / 2000));
}

/** CLOCK_MONOTONIC in microseconds (libuv's hrtime reads it), which systemd wants beside RELOADING=1. */
export function monotonicUsec(): bigint {
  return process.hrtime.bigint() / 1000n;
}

/**
 * Tells the service manager READY=1 once the autostart programs run, RELOADING=1 and READY=1
 * around each reload, WATCHDOG=1 while the loop turns, STOPPING=1 at shutdown.
 */
export function startServiceNotifier(supervisor: NotifiedSupervisor, socket: NotifySocket, env: NodeJS.ProcessEnv): { close(): void } {
  let ready = false;
  let stopping = false;
  let checking = false;
  let changedMeanwhile = false;
  let sending: Promise<void> = Promise.resolve();
  // In order: through systemd-notify each message is a child of its own, and RELOADING=1 must not overtake READY=1.
  const send = (fields: string[]): void => {
    sending = sending.then(() => socket.send(fields)).catch((error: Error) => supervisor.log.warn(`cannot notify the service manager: ${error.message}`));
  };
  const check = async (): Promise<void> => {
    if (supervisor.isShuttingDown) {
      if (!stopping) send(['STOPPING=1']);
      stopping = true;
      return;
    }
    if (ready) return;
    // A change during the status read is looked at again, so the last one is never missed.
    if (checking) {
      changedMeanwhile = true;
      return;
    }
    checking = true;
    try {
      do {
        changedMeanwhile = false;
        if (allAutostartRunning(supervisor.config, await supervisor.status())) {
          ready = true;
          send(['READY=1', 'STATUS=every autostart program is RUNNING', `MAINPID=${process.pid}`]);
          supervisor.log.info('told the service manager READY=1: every autostart program is RUNNING');
        }
      } while (changedMeanwhile && !ready);
    } finally {
      checking = false;
    }
  };
  const onState = (): void => void check();
  // Before the first READY=1 systemd still waits for the start: a reload then says nothing, and READY=1 comes as before.
  const onReload = (phase: 'start' | 'end'): void => {
    if (!ready || supervisor.isShuttingDown) return;
    if (phase === 'start') send(['RELOADING=1', `MONOTONIC_USEC=${monotonicUsec()}`, 'STATUS=reloading the config']);
    else send(['READY=1', 'STATUS=config reloaded']);
  };
  supervisor.on('state', onState);
  supervisor.on('reload', onReload);
  void check();
  const intervalMs = watchdogIntervalMs(env, process.pid);
  // The timer only fires while the event loop turns: a hung supervisor stops feeding the watchdog.
  const watchdog = intervalMs === null ? null : setInterval(() => !supervisor.isShuttingDown && send(['WATCHDOG=1']), intervalMs);
  watchdog?.unref();
  return {
    close: () => {
      supervisor.off('state', onState);
      supervisor.off('reload', onReload);
      if (watchdog) clearInterval(watchdog);
    },
  };
}
