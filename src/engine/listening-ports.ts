import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** TCP sockets in LISTEN state, inode to port, from /proc/net/tcp and tcp6. */
function listeningSockets(): Map<string, number> {
  const sockets = new Map<string, number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      // Columns: sl, local address:port, remote, state (0A is LISTEN), ..., inode (10th).
      if (columns[3] !== '0A' || columns[9] === undefined) continue;
      const port = Number.parseInt(columns[1]?.split(':').pop() ?? '', 16);
      if (Number.isInteger(port)) sockets.set(columns[9], port);
    }
  }
  return sockets;
}

/** The TCP ports these processes listen on, so a replacement can wait until they are free. */
export function listeningPortsOf(pids: Iterable<number>): Set<number> {
  const sockets = listeningSockets();
  const ports = new Set<number>();
  if (sockets.size === 0) return ports;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        const port = match ? sockets.get(match[1]!) : undefined;
        if (port !== undefined) ports.add(port);
      } catch {
        // Closed meanwhile.
      }
    }
  }
  return ports;
}

/** Which of these ports some process still listens on. */
export function portsStillListening(ports: ReadonlySet<number>): number[] {
  if (ports.size === 0) return [];
  const listening = new Set(listeningSockets().values());
  return [...ports].filter((port) => listening.has(port));
}
