import type { Readable } from 'node:stream';

/** Where output goes: a LogFile, or the supervisor's own stdout. */
export interface Sink {
  write(chunk: Buffer): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/**
 * Adds something to a piece of output (a timestamp, a process name). `startsLine` is
 * false for the rest of a line whose beginning already went out (see partialLineFlushMs).
 */
export type DecorateLine = (line: Buffer, startsLine: boolean) => Buffer;

export interface PumpOptions {
  readonly decorateLine?: DecorateLine | undefined;
}

/** A line longer than this is written in pieces rather than held back whole. */
const maxPartialLineBytes = 64 * 1024;
/** An unfinished line is held back at most this long, so prompts and progress reach the file. */
export const partialLineFlushMs = 100;
const newline = 0x0a;
/**
 * Chunks one pipe may deliver in one event-loop turn before it waits for the next: libuv
 * reads up to 32 in a row, so ten flooding children could hold the loop (and a crashed
 * process's restart behind it) for tens of milliseconds.
 */
export const chunksPerTurn = 4;

function decorate(lines: Buffer, decorateLine: DecorateLine, startsLine: boolean): Buffer {
  const pieces: Buffer[] = [];
  let start = 0;
  while (start < lines.length) {
    const end = lines.indexOf(newline, start);
    const stop = end === -1 ? lines.length : end + 1;
    pieces.push(decorateLine(lines.subarray(start, stop), start > 0 || startsLine));
    start = stop;
  }
  return Buffer.concat(pieces);
}

/**
 * Moves a child's output to its sink in whole lines, so processes sharing a file never
 * tear each other's lines, and pauses the child's pipe while the sink is behind. A line
 * still unfinished after partialLineFlushMs goes out as it is. `onChunk` sees every byte
 * at once (ring buffer, tail -f), whatever the sink does. Resolves once the pipe has
 * ended and everything read from it was handed to the sink.
 */
export function pumpOutput(source: Readable, sink: Sink, onChunk: (chunk: Buffer) => void, options: PumpOptions = {}): Promise<void> {
  let partial: Buffer | null = null;
  let heldSinceMs = 0;
  let flushTimer: NodeJS.Timeout | null = null;
  let atLineStart = true;
  let paused = false;
  let turnChunks = 0;
  let turnPaused = false;
  const endTurn = (): void => {
    turnChunks = 0;
    if (!turnPaused) return;
    turnPaused = false;
    if (!paused) source.resume();
  };
  const emit = (data: Buffer): void => {
    const out = options.decorateLine ? decorate(data, options.decorateLine, atLineStart) : data;
    atLineStart = data[data.length - 1] === newline;
    if (sink.write(out) || paused) return;
    paused = true;
    source.pause();
    sink.once('drain', () => {
      paused = false;
      if (!turnPaused) source.resume();
    });
  };
  const flushHeld = (): void => {
    flushTimer = null;
    if (partial === null) return;
    // The line held now may have begun after the timer was set: wait out its own delay.
    const waitedMs = Date.now() - heldSinceMs;
    if (waitedMs < partialLineFlushMs) {
      armFlush(partialLineFlushMs - waitedMs);
      return;
    }
    const held = partial;
    partial = null;
    emit(held);
  };
  const armFlush = (delayMs: number): void => {
    flushTimer = setTimeout(flushHeld, delayMs);
    flushTimer.unref();
  };
  const hold = (bytes: Buffer, continuing: boolean): void => {
    if (!continuing) heldSinceMs = Date.now();
    partial = bytes;
    if (flushTimer === null) armFlush(partialLineFlushMs);
  };
  source.on('data', (chunk: Buffer) => {
    if (turnChunks++ === 0) setImmediate(endTurn);
    if (turnChunks >= chunksPerTurn && !turnPaused) {
      turnPaused = true;
      source.pause();
    }
    onChunk(chunk);
    const cut = chunk.lastIndexOf(newline);
    if (cut === -1) {
      const continuing = partial !== null;
      // Undecorated bytes of a long line need not be joined to go out in order: no copy of a binary flood.
      if (partial && !options.decorateLine && partial.length + chunk.length >= maxPartialLineBytes) {
        const held = partial;
        partial = null;
        emit(held);
        emit(chunk);
        return;
      }
      const held: Buffer = partial ? Buffer.concat([partial, chunk]) : chunk;
      partial = null;
      if (held.length >= maxPartialLineBytes) emit(held);
      else hold(held, continuing);
      return;
    }
    // Only the held-back line is copied, joined to its end; the rest of the chunk goes out as it is.
    let from = 0;
    if (partial) {
      from = chunk.indexOf(newline) + 1;
      const line = Buffer.concat([partial, chunk.subarray(0, from)]);
      partial = null;
      emit(line);
    }
    if (from <= cut) emit(chunk.subarray(from, cut + 1));
    if (cut < chunk.length - 1) hold(chunk.subarray(cut + 1), false);
  });
  return new Promise((resolve) => {
    const finish = (): void => {
      if (flushTimer) clearTimeout(flushTimer);
      flushTimer = null;
      if (partial) emit(partial);
      partial = null;
      resolve();
    };
    source.once('end', finish);
    // A pipe that breaks never ends; what was read still goes out.
    source.once('close', finish);
    source.on('error', () => {});
  });
}
