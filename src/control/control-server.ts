import { chmod, mkdir, stat, unlink } from 'node:fs/promises';
import { replaceFileSync } from '../output/replace-file.js';
import type { RequestListener } from 'node:http';
import type { HttpListenConfig } from '../config/types.js';
import { connectionBudget, raiseNoFileLimit } from './fd-budget.js';
import { createGuardedServer, type GuardedServer, type UpgradeHandler } from './guarded-server.js';
import { checkSocketFolder } from './socket-folder-check.js';
import { startTcpListener } from './tcp-listener.js';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import type { SupervisorApi } from '../contracts/supervisor-api.js';
import { createApiHandler } from './http-routes.js';

export interface ControlServer {
  readonly socketPath: string;
  writePidFile(path: string): Promise<void>;
  close(): Promise<void>;
}

/** True when something answers on the socket; false when it is a stale leftover. */
function isSocketLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function prepareSocketPath(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await checkSocketFolder(dirname(path));
  let existing;
  try {
    existing = await stat(path);
  } catch {
    return;
  }
  if (!existing.isSocket()) throw new Error(`${path} exists and is not a socket; refusing to replace it`);
  if (await isSocketLive(path)) {
    throw new Error(`another taskmaster is already running on socket ${path}`);
  }
  await unlink(path);
}

/** Where the server reports what it does: the supervisor's event log. */
export interface ServerLog {
  info(message: string): void;
  warn(message: string): void;
}

/** Serves the control API over HTTP on a UNIX socket only its owner can use, and optionally on TCP. */
export async function startControlServer(api: SupervisorApi, log: ServerLog, socketPath: string, http: HttpListenConfig | null = null): Promise<ControlServer> {
  await prepareSocketPath(socketPath);
  const { limit, warning } = raiseNoFileLimit();
  if (warning) log.warn(warning);
  const budget = connectionBudget(limit?.soft ?? 1024, http === null ? 1 : 2);
  const dispatch = createApiHandler(api, () => void api.shutdown());
  // The attach route loads with the first upgrade: a supervisor under a low descriptor limit opens no extra module at start.
  let attachRoute: Promise<UpgradeHandler> | null = null;
  const upgrade: UpgradeHandler = (request, socket, head) => {
    attachRoute ??= import('./attach-route.js').then(({ createAttachUpgrade }) => createAttachUpgrade(api));
    void attachRoute.then((handle) => handle(request, socket, head), () => socket.destroy());
  };
  // Any Host will do on the socket (no browser reaches it); every peer is its owner, so one peer.
  const socketServer = createGuardedServer({ listenerName: socketPath, allowedHosts: null, credentials: null }, { maxConnections: budget.perListener, maxPerPeer: budget.perListener }, dispatch, log, upgrade);
  const server = socketServer.server;
  // TCP first: once the socket answers (what taskmasterctl, --daemon and tests wait for), every listener is up.
  let tcpServer: GuardedServer | null = null;
  if (http !== null) {
    try {
      tcpServer = await startTcpListener(http, dispatch, budget, log, upgrade);
    } catch (error) {
      throw new Error(`cannot listen on ${http.host}:${http.port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  // Create the socket with no access for others from its first moment.
  const previousUmask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error): void => {
        void tcpServer?.close();
        reject(error);
      };
      server.once('error', fail);
      server.listen(socketPath, () => {
        server.off('error', fail);
        resolve();
      });
    });
  } finally {
    process.umask(previousUmask);
  }
  await chmod(socketPath, 0o600);
  log.info(`control socket listening on ${socketPath}`);
  if (http !== null) log.info(`control API listening on http://${http.host}:${http.port}${http.username === null ? ' WITHOUT credentials (unsafe_no_auth)' : ' (with credentials)'}`);
  log.info(`control API: open-file limit ${budget.fileLimit}, ${budget.reserve} kept for supervision; at most ${budget.perListener} connections per listener, ${budget.perPeer} per TCP peer`);
  let pidFile: string | null = null;
  return {
    socketPath,
    async writePidFile(path) {
      pidFile = path;
      // A pidfile in a shared folder must not let anyone point root at a file of their choosing.
      replaceFileSync(path, `${process.pid}\n`, 0o644);
    },
    async close() {
      if (tcpServer) await tcpServer.close();
      await socketServer.close();
      await unlink(socketPath).catch(() => undefined);
      if (pidFile) await unlink(pidFile).catch(() => undefined);
    },
  };
}
