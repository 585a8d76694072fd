import { openNotifySocket } from './notify-socket.js';
import { startServiceNotifier, type NotifiedSupervisor } from './service-notifier.js';
import { currentParentPid, programsStoppingTooSlowly, readKillWaitMs, slurmJobOf, watchParent } from './slurm-job.js';

interface HostedSupervisor extends NotifiedSupervisor {
  shutdown(): Promise<void>;
}

/** What Taskmaster does for the engine it runs under: systemd's sd_notify, and staying inside a SLURM job. */
export async function startHostIntegration(supervisor: HostedSupervisor, options: { daemonized: boolean }, env: NodeJS.ProcessEnv = process.env): Promise<{ close(): void }> {
  const closers: (() => void)[] = [];
  const notifySocketPath = env['NOTIFY_SOCKET'];
  if (notifySocketPath) {
    const socket = openNotifySocket(notifySocketPath, env['TASKMASTER_NOTIFY_VIA'] !== 'systemd-notify');
    supervisor.log.info(`NOTIFY_SOCKET is set: telling the service manager when every autostart program is RUNNING (via ${socket.via})`);
    closers.push(startServiceNotifier(supervisor, socket, env).close);
  }
  const job = slurmJobOf(env);
  if (job) {
    // A daemon leaves its parent on purpose: watching it would stop everything at once.
    const watching = !options.daemonized;
    supervisor.log.info(`running inside SLURM job ${job.jobId}${job.node ? ` on node ${job.node}` : ''}${watching ? '; stops everything when its parent process goes' : ''}`);
    if (!watching) supervisor.log.warn('--daemon inside a SLURM job: taskmaster has left the batch shell, so the job may end without it; run it in the foreground (exec taskmaster --no-shell)');
    void readKillWaitMs().then((result) => {
      if ('error' in result) {
        supervisor.log.warn(`cannot read SLURM's KillWait (${result.error}): stoptimes are not checked against it`);
        return;
      }
      for (const program of programsStoppingTooSlowly(supervisor.config, result.killWaitMs)) {
        supervisor.log.warn(`program ${program.name}: stoptime ${program.stopTimeMs / 1000}s exceeds SLURM's KillWait of ${result.killWaitMs / 1000}s: scancel will SIGKILL it before it stops`);
      }
    });
    const parentPid = await currentParentPid();
    // Parent 1 means we were already reparented (or are init): there is no batch shell to watch.
    if (watching && parentPid !== null && parentPid > 1) {
      closers.push(
        watchParent(parentPid, (gone) => {
          supervisor.log.warn(`parent process ${gone} (the job's batch shell) is gone: stopping every program rather than leaving the job`);
          void supervisor.shutdown();
        }).close,
      );
    }
  }
  return { close: () => closers.forEach((close) => close()) };
}
