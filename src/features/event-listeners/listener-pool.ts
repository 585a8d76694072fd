import { isSubtypeOf, type EventTypeName } from '../../config/event-types.js';
import type { ListenerConfig } from '../../config/types.js';
import type { LogLevel } from '../../engine/state-machine.js';
import type { ListenerEvent } from './listener-event.js';

/** One process of a pool, as the pool sees it. */
export interface ListenerMember {
  readonly name: string;
  /** RUNNING, and its protocol says READY. */
  isReady(): boolean;
  /** Writes the event to its stdin and makes it BUSY with it; false when its stdin is gone. */
  send(event: ListenerEvent, envelope: (event: ListenerEvent) => string): boolean;
}

export type PoolLog = (level: LogLevel, message: string) => void;

/** A counter that wraps as supervisord's does (at its maxint), never reaching an unsafe integer. */
export function nextSerial(current: number): number {
  return current >= Number.MAX_SAFE_INTEGER ? 0 : current + 1;
}

/**
 * The events waiting for one listener program (supervisord's EventListenerPool): at most
 * `buffer_size`, the oldest discarded first; each goes to the first READY member.
 */
export class ListenerPool {
  private readonly buffer: ListenerEvent[] = [];
  private serial = -1;

  constructor(
    readonly name: string,
    public config: ListenerConfig,
    private readonly log: PoolLog,
    private readonly envelope: (event: ListenerEvent, pool: string) => string,
  ) {}

  get pending(): number {
    return this.buffer.length;
  }

  wants(type: EventTypeName): boolean {
    return this.config.events.some((subscribed) => isSubtypeOf(type, subscribed));
  }

  /** Buffers an event, at the head when it comes back from a listener that did not take it. */
  accept(event: ListenerEvent, assignSerial: () => number, head = false): void {
    event.serial ??= assignSerial();
    if (!event.poolSerials.has(this.name)) {
      this.serial = nextSerial(this.serial);
      event.poolSerials.set(this.name, this.serial);
    } else {
      this.log('debug', `rebuffering event ${event.serial} for pool ${this.name} (buf size=${this.buffer.length}, max=${this.config.bufferSize})`);
    }
    if (this.buffer.length >= this.config.bufferSize && this.buffer.length > 0) {
      const discarded = this.buffer.shift()!;
      this.log('error', `pool ${this.name} event buffer overflowed, discarding event ${discarded.serial}`);
    }
    if (head) this.buffer.unshift(event);
    else this.buffer.push(event);
  }

  /** Sends the oldest events to READY members until none is READY or nothing waits. */
  dispatch(members: readonly ListenerMember[]): void {
    while (this.buffer.length > 0) {
      const event = this.buffer[0]!;
      if (!this.sendToReady(event, members)) return;
      this.buffer.shift();
    }
  }

  private sendToReady(event: ListenerEvent, members: readonly ListenerMember[]): boolean {
    for (const member of members) {
      if (!member.isReady()) continue;
      if (!member.send(event, (sent) => this.envelope(sent, this.name))) {
        this.log('debug', `epipe occurred while sending event ${event.serial} to listener ${member.name}, listener state unchanged`);
        continue;
      }
      this.log('debug', `event ${event.serial} sent to listener ${member.name}`);
      return true;
    }
    return false;
  }
}
