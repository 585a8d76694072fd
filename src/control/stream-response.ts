import type { IncomingMessage, ServerResponse } from 'node:http';

/** A streaming client that lets this much pile up unread is dropped, never waited for. */
const maxPendingBytes = 4 * 1024 * 1024;

/** Streams until the client leaves or falls too far behind. */
export async function stream(request: IncomingMessage, response: ServerResponse, contentType: string | Record<string, string>, run: (write: (text: string) => void, signal: AbortSignal) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  request.on('close', stop);
  response.on('close', stop);
  response.writeHead(200, typeof contentType === 'string' ? { 'content-type': contentType, 'cache-control': 'no-cache' } : contentType);
  response.flushHeaders();
  const write = (text: string): void => {
    if (controller.signal.aborted) return;
    if (response.writableLength > maxPendingBytes) {
      response.destroy();
      stop();
      return;
    }
    response.write(text);
  };
  try {
    await run(write, controller.signal);
  } finally {
    request.off('close', stop);
    if (!response.destroyed) response.end();
  }
}

