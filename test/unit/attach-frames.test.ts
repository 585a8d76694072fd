import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeFrame, FrameReader, frameJson, maxFramePayloadBytes } from '../../src/control/attach-frames.js';

describe('the attach framing', () => {
  it('reads back what it encodes, whatever the chunk boundaries', () => {
    const bytes = Buffer.concat([encodeFrame('output', Buffer.from('hello\r\n')), encodeFrame('role', { typing: true }), encodeFrame('input', Buffer.alloc(0))]);
    const reader = new FrameReader();
    const frames = [];
    for (let index = 0; index < bytes.length; index += 3) frames.push(...reader.push(bytes.subarray(index, index + 3)));
    assert.deepEqual(frames.map((frame) => frame.type), ['output', 'role', 'input']);
    assert.equal(frames[0]!.payload.toString(), 'hello\r\n');
    assert.deepEqual(frameJson(frames[1]!), { typing: true });
    assert.equal(frames[2]!.payload.length, 0);
  });

  it('refuses an unknown type and a frame over the limit', () => {
    assert.throws(() => new FrameReader().push(Buffer.from([0x7a, 0, 0, 0, 0])), /unknown type byte 0x7a/);
    const header = Buffer.from([0x69, 0, 0, 0, 0]);
    header.writeUInt32BE(maxFramePayloadBytes + 1, 1);
    assert.throws(() => new FrameReader().push(header), /is over/);
  });

  it('reads a control frame that is not a JSON object as null', () => {
    const [frame] = new FrameReader().push(encodeFrame('resize', Buffer.from('[1,2]')));
    assert.equal(frameJson(frame!), null);
  });
});
