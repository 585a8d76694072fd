import { open } from 'node:fs/promises';

/** A tail never returns more lines than this, whatever `-n` asks. */
export const maxTailLines = 100_000;
/** A tail never reads or returns more than this many bytes from the end of a file. */
export const maxTailBytes = 4 * 1024 * 1024;
const defaultChunkBytes = 64 * 1024;

export interface TailLimits {
  readonly maxLines?: number;
  readonly maxBytes?: number;
  /** How much is read per step; each step is one short turn of the event loop. */
  readonly chunkBytes?: number;
}

export interface TailResult {
  readonly text: string;
  /** The file's size when it was read. */
  readonly size: number;
}

/** Skips UTF-8 continuation bytes, so a cut in the middle of a line never splits a character. */
function characterStart(buffer: Buffer, from: number): number {
  let start = from;
  while (start < buffer.length && (buffer[start]! & 0xc0) === 0x80) start += 1;
  return start;
}

/**
 * The last `lines` lines of a file (all of it if shorter), read backwards from the end in
 * chunks, so the work is bounded by the caps and never by the size of the file.
 */
export async function readLastLines(path: string, lines: number, limits: TailLimits = {}): Promise<TailResult> {
  const maxLines = limits.maxLines ?? maxTailLines;
  const maxBytes = limits.maxBytes ?? maxTailBytes;
  const chunkBytes = limits.chunkBytes ?? defaultChunkBytes;
  const wantedLines = Math.min(Math.max(0, Math.floor(lines)), maxLines);
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', size: 0 };
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (wantedLines === 0 || size === 0) return { text: '', size };
    const floor = Math.max(0, size - maxBytes);
    // Chunks newest first; the text starts after the newline that precedes the wanted lines.
    const chunks: Buffer[] = [];
    let position = size;
    let newlinesSeen = 0;
    let newlinesNeeded = wantedLines;
    let cutInChunk = -1;
    while (position > floor && cutInChunk < 0) {
      const length = Math.min(chunkBytes, position - floor);
      position -= length;
      const chunk = Buffer.alloc(length);
      const { bytesRead } = await handle.read(chunk, 0, length, position);
      const data = bytesRead === length ? chunk : chunk.subarray(0, bytesRead);
      // A final newline ends the last line; it does not start another one.
      if (chunks.length === 0 && data[data.length - 1] === 10) newlinesNeeded += 1;
      let end = data.length;
      while (end > 0) {
        const newline = data.lastIndexOf(10, end - 1);
        if (newline < 0) break;
        newlinesSeen += 1;
        if (newlinesSeen === newlinesNeeded) {
          cutInChunk = newline + 1;
          break;
        }
        end = newline;
      }
      chunks.push(cutInChunk < 0 ? data : data.subarray(cutInChunk));
    }
    chunks.reverse();
    let collected = Buffer.concat(chunks);
    if (cutInChunk < 0 && position > 0) {
      // Cut by the byte cap: start at the first whole line, or mid-line if there is none.
      const firstNewline = collected.indexOf(10);
      collected = firstNewline >= 0 && firstNewline < collected.length - 1 ? collected.subarray(firstNewline + 1) : collected.subarray(characterStart(collected, 0));
    }
    return { text: collected.toString('utf8'), size };
  } finally {
    await handle.close();
  }
}

/** A read by position never returns more than this, whatever length it asks for. */
export const maxRangeBytes = 4 * 1024 * 1024;

export interface RangeResult {
  readonly bytes: Buffer;
  readonly start: number;
  /** The file's size when it was read. */
  readonly size: number;
}

/**
 * Bytes of a file by position, as supervisord's readLog reads them: a negative `start` counts
 * from the end; `length` 0 reads to the end. Null when the file does not exist.
 */
export async function readRange(path: string, start: number, length: number): Promise<RangeResult | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const size = (await handle.stat()).size;
    const from = start < 0 ? Math.max(0, size + start) : Math.min(start, size);
    const wanted = length > 0 ? length : size - from;
    const count = Math.max(0, Math.min(wanted, size - from, maxRangeBytes));
    const bytes = Buffer.alloc(count);
    let filled = 0;
    while (filled < count) {
      const { bytesRead } = await handle.read(bytes, filled, count - filled, from + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { bytes: bytes.subarray(0, filled), start: from, size };
  } finally {
    await handle.close();
  }
}
