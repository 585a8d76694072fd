// Real receivers on loopback for the alert tests: an HTTP server, syslog sockets, an SMTP server.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fixtures, run, waitFor } from '../helpers.js';

export interface ReceivedWebhook {
  readonly body: Record<string, unknown>;
  readonly signatureValid: boolean | null;
}

/** An HTTP server that keeps each POSTed alert and checks its HMAC when given the secret. */
export async function webhookReceiver(secret: string | null): Promise<{ url: string; received: ReceivedWebhook[]; close(): Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = request.headers['x-taskmaster-signature'];
      const signatureValid = secret === null ? null : header === `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
      received.push({ body: JSON.parse(raw) as Record<string, unknown>, signatureValid });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/alerts`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The parts of an RFC 5424 message: `<PRI>1 TIME HOST APP PROCID MSGID [SD] MSG`. */
export interface SyslogMessage {
  readonly priority: number;
  readonly msgid: string;
  readonly params: Record<string, string>;
  readonly text: string;
}

export function parseRfc5424(message: string): SyslogMessage {
  const match = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) \[(taskmaster@32473(?: [a-zA-Z]+="(?:[^"\\\]]|\\.)*")*)\] (.*)$/s.exec(message);
  if (!match) throw new Error(`not an RFC 5424 message: ${message}`);
  if (Number.isNaN(Date.parse(match[2]!))) throw new Error(`bad timestamp in ${message}`);
  const params: Record<string, string> = {};
  for (const param of match[7]!.matchAll(/ ([a-zA-Z]+)="((?:[^"\\\]]|\\.)*)"/g)) params[param[1]!] = param[2]!.replace(/\\(.)/g, '$1');
  return { priority: Number(match[1]), msgid: match[6]!, params, text: match[8]! };
}

export async function udpSyslogReceiver(): Promise<{ address: string; received: SyslogMessage[]; close(): Promise<void> }> {
  const received: SyslogMessage[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (data) => received.push(parseRfc5424(data.toString('utf8'))));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { address: `udp://127.0.0.1:${socket.address().port}`, received, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

/** A TCP syslog server that reads octet-counted frames (RFC 6587) and checks each length. */
export function tcpSyslogReceiver(port: number): Promise<{ received: SyslogMessage[]; close(): Promise<void> }> {
  const received: SyslogMessage[] = [];
  const server = createTcpServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const space = buffer.indexOf(32);
        if (space < 0) return;
        const length = Number(buffer.subarray(0, space).toString());
        if (buffer.length < space + 1 + length) return;
        received.push(parseRfc5424(buffer.subarray(space + 1, space + 1 + length).toString('utf8')));
        buffer = buffer.subarray(space + 1 + length);
      }
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ received, close: () => new Promise((done) => server.close(() => done())) })));
}

/** A bound AF_UNIX datagram socket, read by a Python child that prints each datagram as JSON. */
export async function unixSyslogReceiver(path: string): Promise<{ received: SyslogMessage[]; close(): void }> {
  const received: SyslogMessage[] = [];
  const child = spawn('python3', [join(fixtures, 'notify-receiver.py'), path], { stdio: ['ignore', 'pipe', 'inherit'] });
  let listening = false;
  child.stdout.setEncoding('utf8');
  let pending = '';
  child.stdout.on('data', (text: string) => {
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const entry = JSON.parse(line) as { listening?: string; message?: string };
      if (entry.listening) listening = true;
      if (entry.message !== undefined) received.push(parseRfc5424(entry.message));
    }
  });
  await waitFor(() => listening, 'the datagram receiver to bind');
  return { received, close: () => child.kill('SIGKILL') };
}

/** A self-signed certificate for 127.0.0.1, made with openssl in `dir`. */
export async function makeCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost']);
  if (made.code !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  return { cert, key };
}

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  readonly tls: boolean;
  readonly authenticated: boolean;
  readonly data: string;
}

/** aiosmtpd (Debian's python3-aiosmtpd, run by the system's python3) demanding STARTTLS and AUTH. */
export async function smtpReceiver(port: number, cert: string, key: string, user: string, password: string): Promise<{ mails: ReceivedMail[]; auths: { auth: string; ok: boolean; tls: boolean }[]; child: ChildProcess; close(): void }> {
  const mails: ReceivedMail[] = [];
  const auths: { auth: string; ok: boolean; tls: boolean }[] = [];
  const child = spawn('/usr/bin/python3', [join(fixtures, 'smtp-server.py'), String(port), cert, key, user, password], { stdio: ['ignore', 'pipe', 'pipe'] });
  let listening = false;
  let stderr = '';
  let pending = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if ('listening' in entry) listening = true;
      else if ('auth' in entry) auths.push(entry as never);
      else mails.push(entry as never);
    }
  });
  await waitFor(() => listening || (child.exitCode !== null && { failed: stderr }), 'the SMTP server to listen');
  if (!listening) throw new Error(`the SMTP server did not start: ${stderr}`);
  return { mails, auths, child, close: () => child.kill('SIGKILL') };
}
