import { networkInterfaces } from 'node:os';
import type { RequestListener } from 'node:http';
import type { HttpListenConfig } from '../config/types.js';
import type { ConnectionBudget } from './fd-budget.js';
import { createGuardedServer, type GuardedServer, type UpgradeHandler } from './guarded-server.js';
import type { GuardLog } from './request-guard.js';
import { allowedHostsFor } from './request-checks.js';


function machineAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((entries) => (entries ?? []).map((entry) => entry.address));
}

/** The control API on TCP, for a web page or a remote client: credentials (unless unsafe_no_auth), Host and Origin checks. */
export async function startTcpListener(config: HttpListenConfig, dispatch: RequestListener, budget: ConnectionBudget, log: GuardLog, upgrade: UpgradeHandler | null = null): Promise<GuardedServer> {
  const listenerName = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const credentials = config.username !== null && config.password !== null ? { username: config.username, password: config.password } : null;
  const guarded = createGuardedServer(
    { listenerName, allowedHosts: allowedHostsFor(config.host, config.port, config.allowedHosts, machineAddresses()), credentials },
    { maxConnections: budget.perListener, maxPerPeer: budget.perPeer },
    dispatch,
    log,
    upgrade,
  );
  await new Promise<void>((resolve, reject) => {
    guarded.server.once('error', reject);
    guarded.server.listen(config.port, config.host, () => {
      guarded.server.off('error', reject);
      resolve();
    });
  });
  return guarded;
}
