import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readLastLines } from '../../src/output/read-tail.js';
import { makeTempDir } from '../helpers.js';

/** What `tail -n` prints, computed the plain way on the whole text. */
function expectedTail(text: string, lines: number): string {
  if (lines === 0) return '';
  const parts = text.split('\n');
  const wanted = text.endsWith('\n') ? lines + 1 : lines;
  return parts.slice(Math.max(0, parts.length - wanted)).join('\n');
}

describe('reading the end of a file', () => {
  it('gives the last lines exactly, whatever the chunk boundaries', async () => {
    const dir = await makeTempDir();
    const path = join(dir, 'out.log');
    const samples = ['', '\n', 'a', 'a\n', 'a\nb', 'a\nb\n', '\n\n\nx\n\n', 'é\nü\n日本\n', Array.from({ length: 200 }, (_, index) => `line ${index}`.repeat(index % 7)).join('\n')];
    for (const text of samples) {
      await writeFile(path, text);
      // Byte-sized chunks only on short texts, which is where boundaries fall everywhere.
      for (const chunkBytes of text.length > 100 ? [7, 64, 65_536] : [1, 2, 3, 7, 64]) {
        for (const lines of [0, 1, 2, 3, 5, 50, 199, 200, 201, 10_000]) {
          const { text: tail } = await readLastLines(path, lines, { chunkBytes });
          assert.equal(tail, expectedTail(text, lines), `${JSON.stringify(text.slice(0, 20))} chunk ${chunkBytes} lines ${lines}`);
        }
      }
    }
  });

  it('caps the lines and the bytes, and starts at a whole line', async () => {
    const dir = await makeTempDir();
    const path = join(dir, 'out.log');
    const text = Array.from({ length: 1000 }, (_, index) => `${String(index).padStart(9, '0')}\n`).join('');
    await writeFile(path, text);
    assert.equal((await readLastLines(path, 1e9, { maxLines: 30, chunkBytes: 16 })).text, expectedTail(text, 30));
    // 95 bytes hold 9 whole 10-byte lines and a piece of a tenth, which is left out.
    assert.equal((await readLastLines(path, 1e9, { maxBytes: 95, chunkBytes: 16 })).text, expectedTail(text, 9));
    const oneLongLine = 'x'.repeat(500);
    await writeFile(path, oneLongLine);
    assert.equal((await readLastLines(path, 1, { maxBytes: 100 })).text, 'x'.repeat(100));
  });

  it('reads a missing file as empty', async () => {
    const dir = await makeTempDir();
    assert.deepEqual(await readLastLines(join(dir, 'none.log'), 10), { text: '', size: 0 });
  });
});
