import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { TaskmasterError } from '../contracts/errors.js';
import type { SupervisorApi } from '../contracts/supervisor-api.js';
import { isTerminalSize, type TerminalAttachment, type TerminalViewer } from '../contracts/terminal-attach.js';
import { attachProtocol, encodeFrame, FrameReader, frameJson, type FrameType } from './attach-frames.js';
import { refuseUpgrade, type UpgradeHandler } from './guarded-server.js';
import { httpStatusOf } from './http-routes.js';

/** A viewer that lets this much output pile up unread is dropped, never waited for (the program is not held up). */
const maxPendingBytes = 4 * 1024 * 1024;

function refuseWith(socket: Duplex, error: unknown): void {
  const known = error instanceof TaskmasterError ? error : new TaskmasterError('E_INTERNAL', (error as Error)?.message ?? String(error));
  refuseUpgrade(socket, httpStatusOf(known.code), known);
}

/** `GET /v1/attach?name=NAME&cols=C&rows=R` with `Upgrade: taskmaster-attach`: one viewer of a tty process's terminal. */
export function createAttachUpgrade(api: SupervisorApi): UpgradeHandler {
  return (request, socket, head) => {
    socket.on('error', () => {});
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method !== 'GET' || url.pathname !== '/v1/attach') return refuseWith(socket, new TaskmasterError('E_NOT_FOUND', `no upgrade route ${request.method} ${url.pathname}`));
    if ((request.headers.upgrade ?? '').toLowerCase() !== attachProtocol) return refuseWith(socket, new TaskmasterError('E_BAD_REQUEST', `/v1/attach upgrades to ${attachProtocol} only`));
    const name = url.searchParams.get('name');
    const size = { cols: Number(url.searchParams.get('cols') ?? '80'), rows: Number(url.searchParams.get('rows') ?? '24') };
    if (!name) return refuseWith(socket, new TaskmasterError('E_BAD_REQUEST', 'name is required'));
    if (!isTerminalSize(size)) return refuseWith(socket, new TaskmasterError('E_BAD_REQUEST', 'cols and rows must be whole numbers from 1 to 65535'));

    // Frames the session sends while attaching (the replayed screen) wait for the 101 to go out first.
    let queued: Buffer[] | null = [];
    let endAfterQueue = false;
    const send = (type: FrameType, payload: Buffer | object): void => {
      if (socket.destroyed) return;
      const frame = encodeFrame(type, payload);
      if (queued) queued.push(frame);
      else if (socket.writableLength > maxPendingBytes) socket.destroy();
      else socket.write(frame);
    };
    const viewer: TerminalViewer = {
      output: (chunk) => send('output', chunk),
      role: (typing) => send('role', { typing }),
      ended: (reason) => {
        send('ended', { reason });
        if (queued) endAfterQueue = true;
        else socket.end();
      },
    };
    let attachment: TerminalAttachment | null = null;
    const reader = new FrameReader();
    const onData = (chunk: Buffer): void => {
      try {
        for (const frame of reader.push(chunk)) {
          if (frame.type === 'input') attachment?.input(frame.payload);
          else if (frame.type === 'resize') {
            const json = frameJson(frame);
            const newSize = { cols: json?.['cols'], rows: json?.['rows'] };
            if (isTerminalSize(newSize)) attachment?.resize(newSize);
          }
        }
      } catch {
        socket.destroy();
      }
    };
    socket.once('close', () => attachment?.detach());
    // The viewer's end of the connection is its detach: the socket is half-open, so it is closed from here.
    socket.once('end', () => {
      attachment?.detach();
      socket.end();
    });
    api.attachTerminal(name, size, viewer).then(
      (attached) => {
        if (socket.destroyed) return attached.detach();
        attachment = attached;
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: ${attachProtocol}\r\n\r\n`);
        const waiting = queued ?? [];
        queued = null;
        for (const frame of waiting) socket.write(frame);
        if (endAfterQueue) return void socket.end();
        socket.on('data', onData);
        if (head.length > 0) onData(head);
      },
      (error: unknown) => refuseWith(socket, error),
    );
  };
}
