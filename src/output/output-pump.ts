import type { Readable } from 'node:stream';

/** Where output goes: a LogFile, or the supervisor's own stdout. */
export interface Sink {
  write(chunk: Buffer): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

export interface PumpOptions {
  /** Adds something before each line (a timestamp, a process name); lines are kept whole. */
  readonly decorateLine?: ((line: Buffer) => Buffer) | undefined;
}

/** A line longer than this is written in pieces rather than held back whole. */
const maxPartialLineBytes = 64 * 1024;
const newline = 0x0a;

function decorate(lines: Buffer, decorateLine: (line: Buffer) => Buffer): Buffer {
  const pieces: Buffer[] = [];
  let start = 0;
  while (start < lines.length) {
    const end = lines.indexOf(newline, start);
    const stop = end === -1 ? lines.length : end + 1;
    pieces.push(decorateLine(lines.subarray(start, stop)));
    start = stop;
  }
  return Buffer.concat(pieces);
}

/**
 * Moves a child's output to its sink in whole lines, so processes sharing a file never
 * tear each other's lines, and pauses the child's pipe while the sink is behind.
 * `onChunk` sees every byte at once (ring buffer, tail -f), whatever the sink does.
 */
export function pumpOutput(source: Readable, sink: Sink, onChunk: (chunk: Buffer) => void, options: PumpOptions = {}): void {
  let partial: Buffer | null = null;
  let paused = false;
  const emit = (data: Buffer): void => {
    const out = options.decorateLine ? decorate(data, options.decorateLine) : data;
    if (sink.write(out) || paused) return;
    paused = true;
    source.pause();
    sink.once('drain', () => {
      paused = false;
      source.resume();
    });
  };
  source.on('data', (chunk: Buffer) => {
    onChunk(chunk);
    const cut = chunk.lastIndexOf(newline);
    if (cut === -1) {
      const held: Buffer = partial ? Buffer.concat([partial, chunk]) : chunk;
      partial = null;
      if (held.length >= maxPartialLineBytes) emit(held);
      else partial = held;
      return;
    }
    // Only the held-back line is copied, joined to its end; the rest of the chunk goes out as it is.
    let from = 0;
    if (partial) {
      from = chunk.indexOf(newline) + 1;
      emit(Buffer.concat([partial, chunk.subarray(0, from)]));
    }
    if (from <= cut) emit(chunk.subarray(from, cut + 1));
    partial = cut < chunk.length - 1 ? chunk.subarray(cut + 1) : null;
  });
  source.on('end', () => {
    if (partial) emit(partial);
    partial = null;
  });
  source.on('error', () => {});
}
