import type { Readable, Writable } from 'node:stream';
import type { ListenerEvent } from './listener-event.js';
import type { ListenerMember, PoolLog } from './listener-pool.js';
import { ListenerProtocol } from './listener-protocol.js';

/** How long an exited listener's stdout may stay open (held by a descendant) before its event counts as lost. */
const drainAfterExitMs = 2000;

export interface ChannelHost {
  readonly log: PoolLog;
  isRunning(): boolean;
  stdin(): Writable | null;
  /** The event did not get through (FAIL, a broken protocol, an exit): back to the head of the pool. */
  rebuffer(event: ListenerEvent): void;
  /** The listener is READY again: the pool may send it the next event. */
  dispatch(): void;
}

/** One run of a listener process: its protocol state and the event it is busy with. */
export class ListenerChannel implements ListenerMember {
  readonly protocol = new ListenerProtocol();
  private current: ListenerEvent | null = null;
  private ended = false;
  private streamClosed = false;
  private drainTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly name: string,
    private readonly host: ChannelHost,
  ) {}

  /** Reads the listener's stdout, the protocol's channel. */
  attach(stdout: Readable): void {
    stdout.on('data', (chunk: Buffer) => this.read(chunk));
    stdout.on('error', () => {});
    stdout.once('close', () => {
      this.streamClosed = true;
      if (this.ended) this.finish();
    });
  }

  isReady(): boolean {
    return !this.ended && this.protocol.state === 'READY' && this.host.isRunning();
  }

  send(event: ListenerEvent, envelope: (event: ListenerEvent) => string): boolean {
    const stdin = this.host.stdin();
    if (!stdin || stdin.destroyed || !stdin.writable) return false;
    stdin.write(envelope(event));
    this.protocol.sent();
    this.host.log('debug', `${this.name}: READY -> BUSY`);
    this.current = event;
    return true;
  }

  private read(chunk: Buffer): void {
    // supervisord copies a listener's stdout into the main log at debug, protocol bytes and all.
    this.host.log('debug', `'${this.name}' stdout output:\n${chunk.toString('utf8')}`);
    for (const outcome of this.protocol.feed(chunk)) {
      if (outcome.kind === 'ready') {
        this.host.log('debug', `${this.name}: ACKNOWLEDGED -> READY`);
        this.host.dispatch();
      } else if (outcome.kind === 'result') {
        const event = this.current;
        this.current = null;
        this.host.log('debug', `${this.name}: BUSY -> ACKNOWLEDGED`);
        if (outcome.body.toString('latin1') === 'OK') {
          this.host.log('debug', `${this.name}: event was processed`);
        } else {
          this.host.log('warn', `${this.name}: event was rejected`);
          if (event) this.host.rebuffer(event);
        }
      } else {
        if (outcome.badResultLine !== null) this.host.log('warn', `${this.name}: bad result line: '${outcome.badResultLine}'`);
        this.host.log('debug', `${this.name}: ${outcome.from} -> UNKNOWN`);
        this.host.log('warn', `${this.name}: has entered the UNKNOWN state and will no longer receive events, this usually indicates the process violated the eventlistener protocol (${outcome.reason})`);
        if (this.current) this.host.rebuffer(this.current);
        this.current = null;
      }
    }
  }

  /** The process is gone; its event goes back once the last bytes it wrote (maybe its RESULT) are read. */
  processEnded(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.streamClosed) {
      this.finish();
      return;
    }
    this.drainTimer = setTimeout(() => this.finish(), drainAfterExitMs);
    this.drainTimer.unref();
  }

  private finish(): void {
    if (this.drainTimer) clearTimeout(this.drainTimer);
    this.drainTimer = null;
    const event = this.current;
    this.current = null;
    if (event) this.host.rebuffer(event);
  }
}
