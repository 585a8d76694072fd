import { request as httpRequest, type IncomingMessage } from 'node:http';
import { TaskmasterError, type ErrorCode } from '../contracts/errors.js';
import type { TerminalAttachment, TerminalSize, TerminalViewer } from '../contracts/terminal-attach.js';
import { attachProtocol, encodeFrame, FrameReader, frameJson } from './attach-frames.js';

async function errorOf(response: IncomingMessage): Promise<TaskmasterError> {
  const chunks: Buffer[] = [];
  for await (const chunk of response as AsyncIterable<Buffer>) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const body = JSON.parse(text) as { code?: ErrorCode; message?: string; details?: unknown };
    return new TaskmasterError(body.code ?? 'E_INTERNAL', body.message ?? text, body.details);
  } catch {
    return new TaskmasterError('E_INTERNAL', `the supervisor refused to attach (HTTP ${response.statusCode}): ${text}`);
  }
}

/** `GET /v1/attach` on the control socket, upgraded to the attach framing: one viewer of a tty process. */
export function openAttachment(socketPath: string, name: string, size: TerminalSize, viewer: TerminalViewer): Promise<TerminalAttachment> {
  return new Promise((resolve, reject) => {
    const query = new URLSearchParams({ name, cols: String(size.cols), rows: String(size.rows) });
    const request = httpRequest({ socketPath, path: `/v1/attach?${query.toString()}`, method: 'GET', headers: { connection: 'Upgrade', upgrade: attachProtocol } });
    request.on('upgrade', (_response, socket, head) => {
      const reader = new FrameReader();
      let over = false;
      const end = (reason: string): void => {
        if (over) return;
        over = true;
        viewer.ended(reason);
      };
      const onData = (chunk: Buffer): void => {
        let frames;
        try {
          frames = reader.push(chunk);
        } catch (error) {
          socket.destroy();
          end((error as Error).message);
          return;
        }
        for (const frame of frames) {
          if (frame.type === 'output') viewer.output(frame.payload);
          else if (frame.type === 'role') viewer.role(frameJson(frame)?.['typing'] === true);
          else if (frame.type === 'ended') end(String(frameJson(frame)?.['reason'] ?? 'the attachment ended'));
        }
      };
      socket.on('error', () => {});
      socket.on('data', onData);
      socket.on('close', () => end('the supervisor closed the connection'));
      if (head.length > 0) onData(head);
      resolve({
        input: (data) => {
          if (!over) socket.write(encodeFrame('input', data));
        },
        resize: (newSize) => {
          if (!over) socket.write(encodeFrame('resize', newSize));
        },
        detach: () => {
          over = true;
          socket.end();
        },
      });
    });
    request.on('response', (response) => void errorOf(response).then(reject));
    request.on('error', (error: NodeJS.ErrnoException) => reject(new TaskmasterError('E_NO_SUPERVISOR', `no supervisor answers on ${socketPath} (${error.code ?? error.message})`)));
    request.end();
  });
}
