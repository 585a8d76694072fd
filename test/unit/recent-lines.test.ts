import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '../helpers.js';
import { OutputCopy } from '../../src/engine/output-copy.js';
import { plainText } from '../../src/output/plain-text.js';
import { RecentLines, recentLineCount, recentLineMaxBytes } from '../../src/output/recent-lines.js';

/** What RecentLines should hold of ASCII text: its last lines, each cut at the cap and marked. */
function lastLinesOf(text: string, count: number, maxLineBytes: number): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-count).map((line) => (line.length > maxLineBytes ? `${line.slice(0, maxLineBytes)}…` : line));
}

describe('the last lines of a stream', () => {
  it('keeps the last lines whole across chunks, the unfinished one included', () => {
    const recent = new RecentLines(3, 100);
    recent.push(Buffer.from('one\ntw'));
    recent.push(Buffer.from('o\nthree\nfour\nfi'));
    assert.deepEqual(recent.last(), ['three', 'four', 'fi']);
    assert.deepEqual(recent.last(2), ['four', 'fi']);
    recent.push(Buffer.from('ve\n'));
    assert.deepEqual(recent.last(), ['three', 'four', 'five']);
  });

  it('holds at most its count of lines of at most its bytes, whatever comes', () => {
    const recent = new RecentLines();
    recent.push(Buffer.from(`${'line\n'.repeat(100_000)}last`));
    assert.equal(recent.last().length, recentLineCount);
    assert.deepEqual(recent.last(2), ['line', 'last']);
    // A 10 MB line in pieces, as a pipe hands it over: one line of the cap, marked as cut.
    const long = new RecentLines();
    for (let sent = 0; sent < 10 * 1024 * 1024; sent += 65_536) long.push(Buffer.alloc(65_536, 'x'));
    const [line] = long.last();
    assert.equal(line, `${'x'.repeat(recentLineMaxBytes)}…`);
    long.push(Buffer.from('\nafter\n'));
    assert.deepEqual(long.last(1), ['after']);
  });

  it('keeps the same lines whether a flood comes in big chunks or byte by byte', () => {
    // Lines of every length around the cap, cut into chunks of every size: each chunk holding many lines takes the flood path.
    let seed = 7;
    const random = (below: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    const text = Array.from({ length: 3000 }, (_, index) => `${index}:${'x'.repeat(random(3) === 0 ? random(40) : random(30))}`).join('\n');
    const bytes = Buffer.from(`${text}\nunfinished`);
    const bySmallChunks = new RecentLines(5, 16);
    for (const byte of bytes) bySmallChunks.push(Buffer.from([byte]));
    for (let round = 0; round < 20; round += 1) {
      const byBigChunks = new RecentLines(5, 16);
      for (let from = 0; from < bytes.length; ) {
        const size = 1 + random(600);
        byBigChunks.push(bytes.subarray(from, from + size));
        from += size;
        if (random(10) === 0) assert.deepEqual(byBigChunks.last(), lastLinesOf(bytes.subarray(0, from).toString(), 5, 16), `after ${from} bytes`);
      }
      assert.deepEqual(byBigChunks.last(), bySmallChunks.last());
    }
    assert.equal(bySmallChunks.last().at(-1), 'unfinished');
  });

  it('makes binary output and terminal escapes safe to print', () => {
    const recent = new RecentLines(5, 15);
    recent.push(Buffer.from([0xff, 0x00, 0x07, 0x41, 0x0a]));
    recent.push(Buffer.from('\x1b[31mred\x1b[0m\n'));
    recent.push(Buffer.from('é'.repeat(8)));
    assert.deepEqual(recent.last(), ['\uFFFDA', 'red', 'ééééééé…']);
    assert.equal(recent.isEmpty, false);
    assert.equal(new RecentLines().isEmpty, true);
  });
});

describe('plain text of program output', () => {
  it('drops colours, titles, cursor moves and control characters, and shows a redrawn line as a terminal would', () => {
    assert.equal(plainText('\x1b[1;32mok\x1b[0m \x1b]0;title\x07done\x1b[2K'), 'ok done');
    assert.equal(plainText('10%\r50%\r100%\r\nnext\r\n'), '100%\nnext\n');
    assert.equal(plainText('tab\tstays\x08\x7f\x9b'), 'tab\tstays');
  });
});

describe('the debug copy of program output', () => {
  it("writes supervisord's form, and past its budget counts what it leaves out", async () => {
    const written: { message: string; fields: unknown }[] = [];
    const copy = new OutputCopy((message, context) => written.push({ message, fields: context.fields }), 20);
    copy.copy('web', 'stdout', Buffer.from('hello\n'));
    copy.copy('web', 'stderr', Buffer.from('\x1b[31mbad\x1b[0m'));
    copy.copy('web', 'stdout', Buffer.from('way past the budget\n'));
    copy.copy('web', 'stdout', Buffer.from('more\n'));
    assert.deepEqual(written.map((entry) => entry.message), ["'web' stdout output:\nhello", "'web' stderr output:\nbad"]);
    // The summary of what was left out comes with the next second's budget.
    await waitFor(() => written.length === 3, 'the summary of the bytes not copied', 5_000);
    assert.match(written[2]!.message, /^'web' stdout output: 25 bytes not copied \(the event log takes at most/);
    assert.deepEqual(written[2]!.fields, { stream: 'stdout', droppedBytes: 25 });
  });
});
