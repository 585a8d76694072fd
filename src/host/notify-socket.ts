import { spawn } from 'node:child_process';
import { loadReaperAddon } from '../engine/child-reaper.js';

/** Sends sd_notify messages (`READY=1`, `WATCHDOG=1` ...) to the service manager's NOTIFY_SOCKET. */
export interface NotifySocket {
  /** How messages travel: the native addon's sendto, or a systemd-notify child when the addon is missing. */
  readonly via: 'addon' | 'systemd-notify';
  send(fields: readonly string[]): Promise<void>;
}

interface DatagramAddon {
  sendDatagram?: (path: string, message: string) => boolean;
}

function sendWithSystemdNotify(socketPath: string, fields: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // --no-block: systemd-notify would otherwise wait for a barrier that a plain receiver never answers.
    const child = spawn('systemd-notify', ['--no-block', `--pid=${process.pid}`, ...fields], {
      env: { ...process.env, NOTIFY_SOCKET: socketPath },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`systemd-notify exited with ${code}: ${stderr.trim()}`))));
  });
}

/** Node has no AF_UNIX datagram socket: the addon sends one, else systemd-notify does. */
export function openNotifySocket(socketPath: string, preferAddon = true): NotifySocket {
  const loaded = preferAddon ? loadReaperAddon() : { error: 'not wanted' };
  const send = 'addon' in loaded ? (loaded.addon as DatagramAddon).sendDatagram : undefined;
  if (send) {
    return {
      via: 'addon',
      send: async (fields) => {
        send(socketPath, fields.join('\n'));
      },
    };
  }
  return { via: 'systemd-notify', send: (fields) => sendWithSystemdNotify(socketPath, fields) };
}
