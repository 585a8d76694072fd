import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import type { SyslogTarget } from '../config/types.js';
import { loadReaperAddon } from '../engine/child-reaper.js';
import type { Alert } from './alert.js';
import type { AlertChannel } from './alert-delivery.js';
import { formatSyslog, frameOctetCounted } from './format-syslog.js';

const sendTimeoutMs = 10_000;

interface DatagramAddon {
  sendDatagram?: (path: string, message: string) => boolean;
}

let unixSender: ((path: string, message: string) => boolean) | null | undefined;

/** Node has no AF_UNIX datagram socket: the native addon sends to /dev/log. */
function sendUnix(path: string, message: string): void {
  if (unixSender === undefined) {
    const loaded = loadReaperAddon();
    unixSender = 'addon' in loaded ? ((loaded.addon as DatagramAddon).sendDatagram ?? null) : null;
  }
  if (!unixSender) throw new Error('syslog to a socket path needs the native addon (use udp:// or tcp://)');
  try {
    unixSender(path, message);
  } catch (error) {
    throw new Error((error as Error).message.replace('NOTIFY_SOCKET', path));
  }
}

function sendUdp(host: string, port: number, message: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.close();
      reject(new Error(error.code ?? error.message));
    });
    socket.send(message, port, host, (error) => {
      socket.close();
      if (error) reject(new Error((error as NodeJS.ErrnoException).code ?? error.message));
      else resolve();
    });
  });
}

function sendTcp(host: string, port: number, message: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: sendTimeoutMs });
    socket.once('timeout', () => socket.destroy(new Error('timed out')));
    socket.once('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code ?? error.message)));
    socket.once('connect', () => socket.end(frameOctetCounted(message)));
    socket.once('close', (hadError) => {
      if (!hadError) resolve();
    });
  });
}

/** RFC 5424 messages to the local syslog socket, or to a server by UDP or TCP. */
export class SyslogChannel implements AlertChannel {
  readonly name: string;

  constructor(private readonly target: SyslogTarget) {
    this.name = `syslog ${target.kind === 'unix' ? target.path : `${target.kind}://${target.host}:${target.port}`}`;
  }

  async send(alert: Alert): Promise<void> {
    const message = formatSyslog(alert);
    const target = this.target;
    if (target.kind === 'unix') sendUnix(target.path, message);
    else if (target.kind === 'udp') await sendUdp(target.host, target.port, message);
    else await sendTcp(target.host, target.port, message);
  }
}
