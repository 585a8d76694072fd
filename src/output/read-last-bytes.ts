import { open } from 'node:fs/promises';
import { maxTailBytes } from './read-tail.js';

/** Skips UTF-8 continuation bytes, so a cut never splits a character. */
function characterStart(buffer: Buffer): number {
  let start = 0;
  while (start < buffer.length && (buffer[start]! & 0xc0) === 0x80) start += 1;
  return start;
}

/** The last `bytes` bytes of a file (as supervisorctl's `tail`, which shows 1600), cut at a character; a missing file is empty. */
export async function readLastBytes(path: string, bytes: number): Promise<string> {
  const wanted = Math.min(Math.max(0, Math.floor(bytes)), maxTailBytes);
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(wanted, size);
    if (length === 0) return '';
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, size - length);
    const data = buffer.subarray(0, bytesRead);
    return data.subarray(size > length ? characterStart(data) : 0).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** The same cut of text already in memory. */
export function lastBytesOf(text: string, bytes: number): string {
  const data = Buffer.from(text, 'utf8');
  if (data.length <= bytes) return text;
  const cut = data.subarray(data.length - bytes);
  return cut.subarray(characterStart(cut)).toString('utf8');
}
