import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { HttpListenConfig } from '../config/types.js';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Compares Basic credentials in constant time (equal-length digests, timingSafeEqual). */
export function credentialsMatch(request: IncomingMessage, username: string, password: string): boolean {
  const header = request.headers.authorization ?? '';
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
  const given = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const separator = given.indexOf(':');
  const givenUser = separator === -1 ? '' : given.slice(0, separator);
  const givenPassword = separator === -1 ? '' : given.slice(separator + 1);
  const userOk = timingSafeEqual(digest(givenUser), digest(username));
  const passwordOk = timingSafeEqual(digest(givenPassword), digest(password));
  return userOk && passwordOk;
}

/** The control API on TCP, for a web page or a remote client; credentials when configured. */
export async function startTcpListener(config: HttpListenConfig, handle: RequestListener): Promise<Server> {
  const server = createServer((request, response) => {
    if (config.username !== null && config.password !== null && !credentialsMatch(request, config.username, config.password)) {
      const body = JSON.stringify({ code: 'E_UNAUTHORIZED', message: 'username and password required', details: null });
      response.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="taskmaster"', 'content-length': Buffer.byteLength(body) });
      response.end(body);
      return;
    }
    handle(request, response);
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
