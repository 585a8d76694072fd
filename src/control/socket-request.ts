import { connect } from 'node:net';

/** A whole HTTP answer: its status, its headers (names in lower case) and its body. */
export interface SocketResponse {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

/** The supervisor began to answer, then the connection ended or broke before the answer was whole. */
export class ReplyCutShort extends Error {
  override readonly name = 'ReplyCutShort';
}

interface ResponseHead {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  /** Bytes of the head, up to and with its blank line. */
  readonly length: number;
}

/** The status line and headers, once the blank line after them has come; null before. */
export function parseResponseHead(bytes: Buffer): ResponseHead | null {
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1) return null;
  const [statusLine = '', ...lines] = bytes.toString('latin1', 0, end).split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!status) throw new ReplyCutShort(`not an HTTP answer: ${JSON.stringify(statusLine.slice(0, 80))}`);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(status[1]), headers, length: end + 4 };
}

/** A chunked body, read to its last (empty) chunk; throws ReplyCutShort when it stops before. */
export function decodeChunked(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd === -1) throw new ReplyCutShort('the chunked body stops before its last chunk');
    // A chunk size may carry extensions after a `;`; nothing here sends them, and they are skipped.
    const size = Number.parseInt(bytes.toString('latin1', at, lineEnd).split(';')[0]!, 16);
    if (!Number.isInteger(size) || size < 0) throw new ReplyCutShort('the chunked body has a bad chunk size');
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (bytes.length < start + size + 2) throw new ReplyCutShort('the chunked body stops inside a chunk');
    parts.push(bytes.subarray(start, start + size));
    at = start + size + 2;
  }
}

/**
 * One request on a UNIX socket and its whole answer, over node:net alone: node:http's client costs
 * a one-shot taskmasterctl a sixth of Node's start-up (bench/report/analysis.md). The connection
 * closes after the answer; streams (tail -f, events, attach) use node:http.
 * A failed connect rejects with its socket error; an answer cut short, with ReplyCutShort.
 */
export function requestOnce(socketPath: string, method: 'GET' | 'POST', path: string, body?: string): Promise<SocketResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    let received = 0;
    let head: ResponseHead | null = null;
    let settled = false;
    const settle = (outcome: () => SocketResponse): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      try {
        resolve(outcome());
      } catch (error) {
        reject(error);
      }
    };
    const bodyBytes = (): Buffer => Buffer.concat(chunks, received).subarray(head!.length);
    const declaredLength = (): number | null => {
      const value = head?.headers.get('content-length');
      return value === undefined ? null : Number(value);
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (head === null) {
        try {
          head = parseResponseHead(chunks.length === 1 ? chunk : Buffer.concat(chunks, received));
        } catch (error) {
          settled = true;
          socket.destroy();
          reject(error);
          return;
        }
      }
      const length = declaredLength();
      // Whole once its declared length is in: no need to wait for the supervisor to close.
      if (head !== null && length !== null && received - head.length >= length) settle(() => ({ status: head!.status, headers: head!.headers, body: bodyBytes().subarray(0, length) }));
    });
    socket.on('end', () =>
      settle(() => {
        if (head === null) throw new ReplyCutShort(received === 0 ? 'the connection closed without an answer' : 'the connection closed inside the answer\'s headers');
        if (declaredLength() !== null) throw new ReplyCutShort(`the connection closed after ${received - head.length} of ${declaredLength()} bytes`);
        const rest = bodyBytes();
        return { status: head.status, headers: head.headers, body: head.headers.get('transfer-encoding') === 'chunked' ? decodeChunked(rest) : rest };
      }),
    );
    socket.on('error', (error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(received === 0 ? error : new ReplyCutShort(error.message));
    });
    const lines = [`${method} ${path} HTTP/1.1`, 'host: localhost', 'connection: close'];
    // Every POST says JSON, even an empty one: the server refuses any other (CSRF defence).
    if (method === 'POST') lines.push('content-type: application/json', `content-length: ${Buffer.byteLength(body ?? '')}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n${body ?? ''}`);
  });
}
