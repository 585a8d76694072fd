import { open } from 'node:fs/promises';

const chunkBytes = 64 * 1024;

/** The last `lines` lines of a file (all of it if shorter), read backwards from the end. */
export async function readLastLines(path: string, lines: number): Promise<{ text: string; size: number }> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', size: 0 };
    throw error;
  }
  try {
    const { size } = await handle.stat();
    let position = size;
    let collected = Buffer.alloc(0);
    let newlines = 0;
    while (position > 0 && newlines <= lines) {
      const length = Math.min(chunkBytes, position);
      position -= length;
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, position);
      collected = Buffer.concat([buffer, collected]);
      newlines = 0;
      for (const byte of collected) if (byte === 10) newlines += 1;
    }
    let text = collected.toString('utf8');
    const parts = text.split('\n');
    const endsWithNewline = text.endsWith('\n');
    const wanted = endsWithNewline ? lines + 1 : lines;
    if (parts.length > wanted) text = parts.slice(parts.length - wanted).join('\n');
    return { text: lines === 0 ? '' : text, size };
  } finally {
    await handle.close();
  }
}
