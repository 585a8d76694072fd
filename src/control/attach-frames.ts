/**
 * The framing of an attachment after `GET /v1/attach` upgrades its connection (docs/api.md):
 * one type byte, a 4-byte big-endian length, then the payload.
 */
export type FrameType =
  /** client to server: keys for the program */
  | 'input'
  /** client to server: `{"cols":N,"rows":N}`, the viewer's window */
  | 'resize'
  /** server to client: bytes the program wrote to its terminal */
  | 'output'
  /** server to client: `{"typing":true|false}`, whether this viewer's keys reach the program */
  | 'role'
  /** server to client: `{"reason":"..."}`, the attachment is over (the program exited) */
  | 'ended';

export interface Frame {
  readonly type: FrameType;
  readonly payload: Buffer;
}

/** The protocol named in `Upgrade:`. */
export const attachProtocol = 'taskmaster-attach';
/** A frame larger than this is a broken peer, not a paste: the connection is closed. */
export const maxFramePayloadBytes = 1024 * 1024;

const typeBytes: Record<FrameType, number> = { input: 0x69, resize: 0x72, output: 0x6f, role: 0x63, ended: 0x65 };
const typeOfByte = new Map(Object.entries(typeBytes).map(([type, byte]) => [byte, type as FrameType]));
const headerBytes = 5;

export function encodeFrame(type: FrameType, payload: Buffer | string | object): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const header = Buffer.alloc(headerBytes);
  header[0] = typeBytes[type];
  header.writeUInt32BE(body.length, 1);
  return Buffer.concat([header, body]);
}

/** Cuts a byte stream into frames, whatever the chunk boundaries; throws on a frame no peer of ours sends. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    while (this.pending.length >= headerBytes) {
      const type = typeOfByte.get(this.pending[0]!);
      if (type === undefined) throw new Error(`Cannot read attach frame: unknown type byte 0x${this.pending[0]!.toString(16)}`);
      const length = this.pending.readUInt32BE(1);
      if (length > maxFramePayloadBytes) throw new Error(`Cannot read attach frame: ${length} bytes is over ${maxFramePayloadBytes}`);
      if (this.pending.length < headerBytes + length) break;
      frames.push({ type, payload: this.pending.subarray(headerBytes, headerBytes + length) });
      this.pending = this.pending.subarray(headerBytes + length);
    }
    return frames;
  }
}

/** The JSON of a control frame, or null when it is not an object. */
export function frameJson(frame: Frame): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(frame.payload.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
