/** supervisord's listener states: ACKNOWLEDGED until it says READY, BUSY with an event, UNKNOWN once it broke the protocol. */
export type ListenerState = 'ACKNOWLEDGED' | 'READY' | 'BUSY' | 'UNKNOWN';

/** What the listener's stdout said, as the pool must act on it. */
export type ProtocolOutcome =
  | { readonly kind: 'ready' }
  | { readonly kind: 'result'; readonly body: Buffer }
  | { readonly kind: 'violation'; readonly from: ListenerState; readonly reason: string; readonly badResultLine: string | null };

const readyToken = Buffer.from('READY\n');
const resultTokenLength = 'RESULT '.length;

/**
 * The listener side of supervisord's protocol, read from the listener's stdout: `READY\n`,
 * then, once it got an event, `RESULT N\n` and N bytes. Pure: bytes in, outcomes out.
 */
export class ListenerProtocol {
  state: ListenerState = 'ACKNOWLEDGED';
  private pending: Buffer = Buffer.alloc(0);
  private resultLength: number | null = null;

  /** The pool wrote an event to the listener's stdin. */
  sent(): void {
    this.state = 'BUSY';
  }

  feed(chunk: Buffer): ProtocolOutcome[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const outcomes: ProtocolOutcome[] = [];
    for (let outcome = this.step(); outcome !== null; outcome = this.step()) outcomes.push(outcome);
    return outcomes;
  }

  private violate(reason: string, badResultLine: string | null = null): ProtocolOutcome {
    const from = this.state;
    this.state = 'UNKNOWN';
    this.pending = Buffer.alloc(0);
    this.resultLength = null;
    return { kind: 'violation', from, reason, badResultLine };
  }

  /** One decision from the bytes so far, or null when more bytes are needed. */
  private step(): ProtocolOutcome | null {
    // An empty result (`RESULT 0`) is complete without another byte.
    if (this.pending.length === 0 && !(this.state === 'BUSY' && this.resultLength === 0)) return null;
    switch (this.state) {
      case 'UNKNOWN':
        this.pending = Buffer.alloc(0);
        return null;
      case 'ACKNOWLEDGED':
        if (this.pending.length < readyToken.length) return null;
        if (!this.pending.subarray(0, readyToken.length).equals(readyToken)) return this.violate('it wrote something other than READY');
        this.pending = this.pending.subarray(readyToken.length);
        this.state = 'READY';
        return { kind: 'ready' };
      case 'READY':
        // supervisord is strict: a listener that waits for an event has nothing to say.
        return this.violate('it wrote while waiting for an event');
      case 'BUSY':
        return this.readResult();
    }
  }

  private readResult(): ProtocolOutcome | null {
    if (this.resultLength === null) {
      const newline = this.pending.indexOf(10);
      if (newline === -1) return null;
      const line = this.pending.subarray(0, newline);
      this.pending = this.pending.subarray(newline + 1);
      // As supervisord: whatever the first 7 bytes are, the rest of the line is the length.
      const length = line.subarray(resultTokenLength).toString('latin1').trim();
      if (!/^\+?\d+$/.test(length)) return this.violate('bad result line', line.toString('utf8'));
      this.resultLength = Number(length);
    }
    if (this.pending.length < this.resultLength) return null;
    const body = this.pending.subarray(0, this.resultLength);
    this.pending = this.pending.subarray(this.resultLength);
    this.resultLength = null;
    this.state = 'ACKNOWLEDGED';
    return { kind: 'result', body };
  }
}
