import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitShellWords } from '../../src/config/shell-words.js';
import { parseDurationMs } from '../../src/config/duration.js';
import { parseSignal } from '../../src/config/signals.js';

describe('command splitting', () => {
  it('splits words like a POSIX shell', () => {
    assert.deepEqual(splitShellWords(`a 'b c' "d\\"e" f\\ g  h`), ['a', 'b c', 'd"e', 'f g', 'h']);
  });

  it('keeps empty quoted words and joins adjacent quotes', () => {
    assert.deepEqual(splitShellWords(`x '' "a"'b'c`), ['x', '', 'abc']);
  });

  it('keeps shell operators as plain words', () => {
    assert.deepEqual(splitShellWords('echo a | wc && ls'), ['echo', 'a', '|', 'wc', '&&', 'ls']);
  });

  it('refuses unbalanced quotes', () => {
    assert.throws(() => splitShellWords('"abc'), /unterminated double quote/);
  });
});

describe('durations and signals', () => {
  it('parses durations', () => {
    assert.equal(parseDurationMs(3), 3000);
    assert.equal(parseDurationMs('500ms'), 500);
    assert.equal(parseDurationMs('10s'), 10_000);
    assert.equal(parseDurationMs('5m'), 300_000);
    assert.equal(parseDurationMs('soon'), undefined);
    assert.equal(parseDurationMs(-1), undefined);
  });

  it('parses signals by name and number', () => {
    assert.equal(parseSignal('TERM'), 'SIGTERM');
    assert.equal(parseSignal('sigusr1'), 'SIGUSR1');
    assert.equal(parseSignal(15), 'SIGTERM');
    assert.equal(parseSignal('NOPE'), undefined);
  });
});
