import { createServer } from 'node:net';
import type { PortConfig } from '../config/types.js';

/** Free means we could bind it ourselves just now, on every address. */
function bindPort(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen({ port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : null;
      server.close(() => resolve(bound));
    });
  });
}

/** Hands out TCP ports that are free, and never the same one to two owners. */
export class PortAllocator {
  private readonly owners = new Map<number, object>();

  /** Keeps `current` if it is still ours and free; otherwise finds another. */
  async acquire(owner: object, config: PortConfig, current: number | null): Promise<number> {
    if (current !== null && this.owners.get(current) === owner) {
      if ((await bindPort(current)) === current) return current;
      this.owners.delete(current);
    }
    if (config.kind === 'auto') {
      for (let attempt = 0; attempt < 20; attempt += 1) {
        const port = await bindPort(0);
        if (port !== null && !this.owners.has(port)) {
          this.owners.set(port, owner);
          return port;
        }
      }
      throw new Error('no free port found');
    }
    for (let port = config.from; port <= config.to; port += 1) {
      if (this.owners.has(port)) continue;
      // Reserve before the check so a concurrent start cannot pick the same port.
      this.owners.set(port, owner);
      if ((await bindPort(port)) === port) return port;
      this.owners.delete(port);
    }
    throw new Error(`no free port in ${config.from}-${config.to}`);
  }

  release(owner: object): void {
    for (const [port, holder] of this.owners) if (holder === owner) this.owners.delete(port);
  }
}
