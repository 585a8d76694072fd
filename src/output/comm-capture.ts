import type { Readable } from 'node:stream';
import { filterPipe } from './filter-pipe.js';

const beginToken = Buffer.from('<!--XSUPERVISOR:BEGIN-->');
const endToken = Buffer.from('<!--XSUPERVISOR:END-->');
const empty = Buffer.alloc(0);

/** How many bytes at the end of `data` are the start of `token` (a token split across reads). */
function tokenPrefixAtEnd(data: Buffer, token: Buffer): number {
  for (let length = Math.min(token.length - 1, data.length); length > 0; length -= 1) {
    if (data.subarray(data.length - length).equals(token.subarray(0, length))) return length;
  }
  return 0;
}

/**
 * supervisord's capture mode on one pipe: what a child writes between `<!--XSUPERVISOR:BEGIN-->`
 * and `<!--XSUPERVISOR:END-->` is kept out of the log and handed over whole at the end marker
 * (only its last `maxBytes` bytes, as supervisord's bounded capture log keeps).
 */
export class CommCapture {
  private capturing = false;
  /** The end of the last read when it may be the start of a marker. */
  private held: Buffer = empty;
  private captured: Buffer[] = [];
  private capturedBytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly onMessage: (data: Buffer) => void,
  ) {}

  /** Takes one read; returns the bytes that go on to the log. */
  push(chunk: Buffer): Buffer {
    let data = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = empty;
    const logged: Buffer[] = [];
    while (data.length > 0) {
      const token = this.capturing ? endToken : beginToken;
      const at = data.indexOf(token);
      if (at === -1) {
        const heldLength = tokenPrefixAtEnd(data, token);
        // A read with no marker goes on as the same buffer: the common case copies nothing.
        this.take(heldLength === 0 ? data : data.subarray(0, data.length - heldLength), logged);
        // Copied: the pipe's buffer may be reused by the time the next read comes.
        if (heldLength > 0) this.held = Buffer.from(data.subarray(data.length - heldLength));
        break;
      }
      this.take(data.subarray(0, at), logged);
      data = data.subarray(at + token.length);
      this.toggle();
    }
    return logged.length === 1 ? logged[0]! : Buffer.concat(logged);
  }

  /** At the pipe's end: a held marker start was only text; an unfinished capture is dropped, as supervisord drops it. */
  end(): Buffer {
    const rest = this.capturing ? empty : this.held;
    this.held = empty;
    this.captured = [];
    this.capturedBytes = 0;
    return rest;
  }

  private take(bytes: Buffer, logged: Buffer[]): void {
    if (bytes.length === 0) return;
    if (!this.capturing) {
      logged.push(bytes);
      return;
    }
    this.captured.push(Buffer.from(bytes));
    this.capturedBytes += bytes.length;
    // Over the bound, the oldest bytes go: the capture keeps its last maxBytes.
    while (this.capturedBytes > this.maxBytes) {
      const first = this.captured[0]!;
      const excess = this.capturedBytes - this.maxBytes;
      if (first.length <= excess) {
        this.captured.shift();
        this.capturedBytes -= first.length;
      } else {
        this.captured[0] = first.subarray(excess);
        this.capturedBytes -= excess;
      }
    }
  }

  private toggle(): void {
    if (this.capturing) {
      const message = Buffer.concat(this.captured);
      this.captured = [];
      this.capturedBytes = 0;
      this.onMessage(message);
    }
    this.capturing = !this.capturing;
  }
}

/** The pipe with its captured blocks taken out: they go to `onMessage`, the rest reads on as before. */
export function captureCommunication(source: Readable, maxBytes: number, onMessage: (data: Buffer) => void): Readable {
  const capture = new CommCapture(maxBytes, onMessage);
  return filterPipe(source, (chunk) => capture.push(chunk), () => capture.end());
}
