import { RpcFault } from './faults.js';

/** What readLog and readProcess*Log read, as supervisord's readFile turns (offset, length) into a range. */
export function readWindow(offset: number, length: number): { readonly start: number; readonly length: number } {
  if (offset < 0) {
    // A negative offset reads that many bytes from the end, and then length must be 0.
    if (length !== 0) throw new RpcFault('BAD_ARGUMENTS');
    return { start: offset, length: -offset };
  }
  if (length < 0) throw new RpcFault('BAD_ARGUMENTS');
  return { start: offset, length };
}

/**
 * tailProcess*Log's answer from the last `length` bytes of a file of `sizeBytes`: those bytes
 * (none when `offset` is already at or past the end and nothing overflowed), the size as the
 * next offset, and overflow when more than `length` bytes were written since `offset`.
 */
export function tailWindow(offset: number, length: number, lastBytes: string, sizeBytes: number): [string, number, boolean] {
  const overflow = sizeBytes > offset + length;
  const text = length <= 0 || (!overflow && offset >= sizeBytes) ? '' : lastBytes;
  return [text, sizeBytes, overflow];
}
