export interface FailureThrottleOptions {
  /** Failures allowed before any delay (typos). */
  readonly freeFailures: number;
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** A peer quiet for this long is forgotten. */
  readonly forgetAfterMs: number;
  /** Peers remembered at most, so a spray of addresses cannot grow memory without end. */
  readonly maxPeers: number;
}

export const defaultThrottleOptions: FailureThrottleOptions = {
  freeFailures: 5,
  firstDelayMs: 1_000,
  maxDelayMs: 30_000,
  forgetAfterMs: 10 * 60_000,
  maxPeers: 10_000,
};

interface PeerRecord {
  failures: number;
  blockedUntilMs: number;
  lastFailureMs: number;
}

/**
 * Slows down password guessing: after a few failures a peer must wait before it may try again,
 * the wait doubling with each further failure up to a cap. Pure: the caller passes the time.
 */
export class FailureThrottle {
  private readonly peers = new Map<string, PeerRecord>();

  constructor(private readonly options: FailureThrottleOptions = defaultThrottleOptions) {}

  /** How long the peer must still wait before its credentials are even looked at; 0 when it may try. */
  retryAfterMs(peer: string, nowMs: number): number {
    const record = this.peers.get(peer);
    if (!record) return 0;
    if (nowMs - record.lastFailureMs > this.options.forgetAfterMs) {
      this.peers.delete(peer);
      return 0;
    }
    return Math.max(0, record.blockedUntilMs - nowMs);
  }

  /** Counts a failure; returns the delay now imposed on the peer. */
  recordFailure(peer: string, nowMs: number): number {
    let record = this.peers.get(peer);
    if (!record || nowMs - record.lastFailureMs > this.options.forgetAfterMs) {
      this.prune(nowMs);
      record = { failures: 0, blockedUntilMs: 0, lastFailureMs: nowMs };
      this.peers.set(peer, record);
    }
    record.failures += 1;
    record.lastFailureMs = nowMs;
    const over = record.failures - this.options.freeFailures;
    const delayMs = over <= 0 ? 0 : Math.min(this.options.maxDelayMs, this.options.firstDelayMs * 2 ** Math.min(over - 1, 30));
    record.blockedUntilMs = nowMs + delayMs;
    return delayMs;
  }

  recordSuccess(peer: string): void {
    this.peers.delete(peer);
  }

  get trackedPeers(): number {
    return this.peers.size;
  }

  private prune(nowMs: number): void {
    for (const [peer, record] of this.peers) {
      if (nowMs - record.lastFailureMs > this.options.forgetAfterMs) this.peers.delete(peer);
    }
    // Still full: forget the oldest (a Map iterates in insertion order).
    while (this.peers.size >= this.options.maxPeers) {
      const oldest = this.peers.keys().next().value as string;
      this.peers.delete(oldest);
    }
  }
}
