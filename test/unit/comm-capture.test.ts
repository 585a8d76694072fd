import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommCapture } from '../../src/output/comm-capture.js';

const begin = '<!--XSUPERVISOR:BEGIN-->';
const end = '<!--XSUPERVISOR:END-->';

/** Feeds the reads in order; returns what went to the log and the messages captured. */
function feed(reads: readonly string[], maxBytes = 1024): { logged: string; messages: string[] } {
  const messages: string[] = [];
  const capture = new CommCapture(maxBytes, (data) => messages.push(data.toString()));
  let logged = '';
  for (const read of reads) logged += capture.push(Buffer.from(read)).toString();
  logged += capture.end().toString();
  return { logged, messages };
}

describe('supervisord capture mode on a pipe', () => {
  it('takes a block out of the log and hands it over at the end marker', () => {
    assert.deepEqual(feed([`a\n${begin}hello${end}b\n`]), { logged: 'a\nb\n', messages: ['hello'] });
  });

  it('finds markers split at every byte, however the reads fall', () => {
    const text = `one ${begin}first${end} two ${begin}second${end} three`;
    for (let cut = 1; cut < text.length; cut += 1) {
      for (const width of [1, 3, 7]) {
        const reads = [text.slice(0, cut), ...Array.from({ length: Math.ceil((text.length - cut) / width) }, (_, index) => text.slice(cut + index * width, cut + (index + 1) * width))];
        assert.deepEqual(feed(reads), { logged: 'one  two  three', messages: ['first', 'second'] }, `cut at ${cut}, then reads of ${width}`);
      }
    }
  });

  it('keeps only the last maxBytes of a capture', () => {
    assert.deepEqual(feed([`${begin}${'x'.repeat(30)}`, '0123', `456789${end}`], 10).messages, ['0123456789']);
  });

  it('logs a marker start that never completed, and drops a capture the pipe ended in', () => {
    assert.deepEqual(feed(['text <!--XSUPER']), { logged: 'text <!--XSUPER', messages: [] });
    assert.deepEqual(feed([`text ${begin}unfinished`]), { logged: 'text ', messages: [] });
  });

  it('passes a read with no marker through as the same buffer', () => {
    const capture = new CommCapture(10, () => assert.fail('no message'));
    const read = Buffer.from('plain line\n');
    assert.equal(capture.push(read), read);
  });
});
