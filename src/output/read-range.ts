import { open } from 'node:fs/promises';

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
