import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnsiStripper } from '../../src/output/strip-ansi.js';

function strip(reads: readonly string[]): string {
  const stripper = new AnsiStripper();
  return reads.map((read) => stripper.push(Buffer.from(read, 'latin1')).toString('latin1')).join('') + stripper.end().toString('latin1');
}

describe('supervisord\'s strip_ansi on a pipe', () => {
  it('takes out colour and cursor escapes', () => {
    assert.equal(strip(['\x1b[1;31mred\x1b[0m plain \x1b[2Kcleared\x1b[10;5Hmoved\n']), 'red plain clearedmoved\n');
  });

  it('finds an escape split at every byte', () => {
    const text = 'a\x1b[38;5;196mb\x1b[0mc';
    for (let cut = 1; cut < text.length; cut += 1) assert.equal(strip([text.slice(0, cut), text.slice(cut)]), 'abc', `cut at ${cut}`);
  });

  it('keeps an ESC that starts no escape, also at the end of the output', () => {
    assert.equal(strip(['x\x1bOy', '\x1b\x1b[mz\x1b']), 'x\x1bOy\x1bz\x1b');
  });

  it('passes a read without ESC through as the same buffer', () => {
    const read = Buffer.from('plain\n');
    assert.equal(new AnsiStripper().push(read), read);
  });
});
