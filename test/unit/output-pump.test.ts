import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { chunksPerTurn, partialLineFlushMs, pumpOutput } from '../../src/output/output-pump.js';

/** A sink that keeps every write it gets, each with when it came. */
class RecordingSink extends EventEmitter {
  readonly writes: { readonly text: string; readonly atMs: number }[] = [];
  readonly bytes: Buffer[] = [];

  write(chunk: Buffer): boolean {
    this.writes.push({ text: chunk.toString('latin1'), atMs: Date.now() });
    this.bytes.push(Buffer.from(chunk));
    return true;
  }
}

function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error('timed out'));
      else setTimeout(check, 5);
    };
    check();
  });
}

describe('output pump', () => {
  it('takes at most chunksPerTurn chunks from a pipe in one event-loop turn, then the rest in later turns, all in order', async () => {
    const source = new PassThrough({ highWaterMark: 1 });
    const sink = new RecordingSink();
    const done = pumpOutput(source, sink, () => {});
    const lines = Array.from({ length: 40 }, (_, index) => `line ${index}\n`);
    // The source holds all 40 at once, as libuv's 32 reads in a row would deliver them.
    source.pause();
    for (const line of lines) source.write(line);
    source.resume();
    await new Promise((resolve) => process.nextTick(resolve));
    const inFirstTurn = sink.writes.length;
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(inFirstTurn > 0 && inFirstTurn <= chunksPerTurn, `${inFirstTurn} chunks in the first turn`);
    source.end();
    await done;
    assert.equal(sink.writes.map((write) => write.text).join(''), lines.join(''));
  });

  it('hands a binary flood to the sink as the chunks it read, never joined into a copy', async () => {
    const source = new PassThrough();
    const handed: Buffer[] = [];
    const sink = Object.assign(new EventEmitter(), { write: (chunk: Buffer) => handed.push(chunk) > 0 });
    const done = pumpOutput(source, sink, () => {});
    const chunks = [randomBytes(40_000).fill(1), randomBytes(40_000).fill(2), randomBytes(40_000).fill(3)];
    for (const chunk of chunks) source.write(chunk);
    source.end();
    await done;
    assert.equal(Buffer.concat(handed).compare(Buffer.concat(chunks)), 0);
    // The held piece and the chunk past 64 KiB go out as they came: the same memory, not a joined copy.
    assert.equal(handed.length, 3);
    handed.forEach((piece, index) => assert.equal(piece.buffer, chunks[index]!.buffer));
  });

  it('sends a line that completes within the delay as one write', async () => {
    const source = new PassThrough();
    const sink = new RecordingSink();
    const done = pumpOutput(source, sink, () => {});
    source.write('first half, ');
    source.write('second half\nnext ');
    source.end('line\n');
    await done;
    assert.deepEqual(sink.writes.map((write) => write.text), ['first half, second half\n', 'next line\n']);
  });

  it('sends an unfinished line once it has waited the delay, and no sooner', async () => {
    const source = new PassThrough();
    const sink = new RecordingSink();
    const done = pumpOutput(source, sink, () => {});
    const writtenAtMs = Date.now();
    source.write('Password: ');
    await waitUntil(() => sink.writes.length === 1);
    assert.equal(sink.writes[0]!.text, 'Password: ');
    // Timers may fire a millisecond early; the upper bound only catches a line held for good.
    assert.ok(sink.writes[0]!.atMs - writtenAtMs >= partialLineFlushMs - 5, `sent after ${sink.writes[0]!.atMs - writtenAtMs} ms`);
    source.end('secret\n');
    await done;
    assert.deepEqual(sink.writes.map((write) => write.text), ['Password: ', 'secret\n']);
  });

  it('tells the decorator which pieces continue a line that went out early', async () => {
    const source = new PassThrough();
    const sink = new RecordingSink();
    const done = pumpOutput(source, sink, () => {}, { decorateLine: (line, startsLine) => Buffer.concat([Buffer.from(startsLine ? '[' : '+'), line]) });
    source.write('step 1...');
    await waitUntil(() => sink.writes.length === 1);
    source.end('done\nnext\n');
    await done;
    assert.equal(sink.writes.map((write) => write.text).join(''), '[step 1...+done\n[next\n');
  });

  it('passes binary output through byte for byte and resolves once the pipe ends', async () => {
    const source = new PassThrough();
    const sink = new RecordingSink();
    const seen: Buffer[] = [];
    const done = pumpOutput(source, sink, (chunk) => seen.push(chunk));
    const bytes = randomBytes(1024 * 1024);
    for (let offset = 0; offset < bytes.length; offset += 1000) source.write(bytes.subarray(offset, offset + 1000));
    source.end();
    await done;
    assert.ok(Buffer.concat(sink.bytes).equals(bytes));
    assert.ok(Buffer.concat(seen).equals(bytes));
  });
});
