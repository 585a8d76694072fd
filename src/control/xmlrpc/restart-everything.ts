import type { SupervisorApi } from '../../contracts/supervisor-api.js';

/**
 * supervisor.restart as supervisord does it: every process stops, the config is read again
 * (a bad file keeps the old one), and every autostart program starts.
 */
export async function restartEverything(api: SupervisorApi): Promise<void> {
  await api.stop(['all']);
  await api.reload();
  const autostart = (await api.avail()).filter((program) => program.inUse && program.autostart).map((program) => program.name);
  if (autostart.length > 0) await api.start(autostart);
}
