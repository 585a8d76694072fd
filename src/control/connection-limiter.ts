export interface ConnectionLimits {
  readonly maxConnections: number;
  readonly maxPerPeer: number;
}

/** Counts open connections of one listener, in total and per peer address. Pure bookkeeping. */
export class ConnectionLimiter {
  private total = 0;
  private readonly perPeer = new Map<string, number>();

  constructor(readonly limits: ConnectionLimits) {}

  /** Takes a slot for the peer, or says why not. */
  admit(peer: string): 'ok' | 'listener-full' | 'peer-full' {
    if (this.total >= this.limits.maxConnections) return 'listener-full';
    const mine = this.perPeer.get(peer) ?? 0;
    if (mine >= this.limits.maxPerPeer) return 'peer-full';
    this.total += 1;
    this.perPeer.set(peer, mine + 1);
    return 'ok';
  }

  release(peer: string): void {
    const mine = this.perPeer.get(peer) ?? 0;
    if (mine === 0) return;
    this.total -= 1;
    if (mine === 1) this.perPeer.delete(peer);
    else this.perPeer.set(peer, mine - 1);
  }

  get open(): number {
    return this.total;
  }
}
