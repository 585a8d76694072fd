import { request } from 'node:http';

export interface UnixHttpResponse {
  readonly status: number;
  readonly body: string;
}

/** One HTTP request over a UNIX socket (Taskmaster's API, supervisord's XML-RPC). */
export function unixHttp(socketPath: string, method: 'GET' | 'POST', path: string, body?: string, contentType = 'application/json', timeoutMs = 120_000): Promise<UnixHttpResponse> {
  return new Promise((resolve, reject) => {
    const call = request(
      {
        socketPath,
        method,
        path,
        headers: body === undefined ? {} : { 'content-type': contentType, 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    call.on('timeout', () => call.destroy(new Error(`${method} ${path} on ${socketPath} took over ${timeoutMs} ms`)));
    call.on('error', reject);
    call.end(body);
  });
}
