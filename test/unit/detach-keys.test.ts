import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DetachKeys } from '../../src/control/detach-keys.js';

const scan = (keys: DetachKeys, text: string) => {
  const { forward, detach } = keys.scan(Buffer.from(text, 'latin1'));
  return { forward: forward.toString('latin1'), detach };
};

describe('the detach keys', () => {
  it('forwards ordinary keys untouched, Ctrl-C and Ctrl-D included', () => {
    assert.deepEqual(scan(new DetachKeys(), '6*7\r\x03\x04'), { forward: '6*7\r\x03\x04', detach: false });
  });

  it('detaches on Ctrl-], forwarding what came before it and dropping what came after', () => {
    assert.deepEqual(scan(new DetachKeys(), 'ab\x1dcd'), { forward: 'ab', detach: true });
  });

  it('detaches on Ctrl-P Ctrl-Q, also when the two arrive in separate reads', () => {
    assert.deepEqual(scan(new DetachKeys(), 'x\x10\x11y'), { forward: 'x', detach: true });
    const keys = new DetachKeys();
    assert.deepEqual(scan(keys, 'x\x10'), { forward: 'x', detach: false });
    assert.deepEqual(scan(keys, '\x11'), { forward: '', detach: true });
  });

  it('gives back a held Ctrl-P that another key follows, as docker does', () => {
    const keys = new DetachKeys();
    assert.deepEqual(scan(keys, '\x10'), { forward: '', detach: false });
    assert.deepEqual(scan(keys, 'a'), { forward: '\x10a', detach: false });
    assert.deepEqual(scan(new DetachKeys(), '\x10\x10\x11'), { forward: '\x10', detach: true });
  });
});
