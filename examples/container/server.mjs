// The example's web program: serves on the socket Taskmaster passes as fd 3 (LISTEN_FDS), and on
// SIGTERM finishes what it accepted before it exits, so a restart drops no request.
import { createServer } from 'node:http';

if (process.env.LISTEN_FDS !== '1' || Number(process.env.LISTEN_PID) !== process.pid) {
  process.stderr.write('server.mjs expects one socket from Taskmaster (sockets: in the config)\n');
  process.exit(2);
}
const server = createServer((request, response) => response.end(`hello from pid ${process.pid}\n`));
server.listen({ fd: 3 }, () => process.stdout.write(`web: serving on the socket taskmaster passed (${process.env.LISTEN_FDNAMES})\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
