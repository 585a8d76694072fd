import type { Readable } from 'node:stream';
import { filterPipe } from './filter-pipe.js';

const escape = 0x1b;
const bracket = 0x5b;
/** The final bytes supervisord's stripEscapes ends an escape at (cursor moves, erases, modes, colours). */
const terminators = new Set([...'HfABCDRsuJKhlpm'].map((char) => char.charCodeAt(0)));

/**
 * supervisord's `strip_ansi` (`-t`): ANSI escapes (`ESC [` up to a terminator such as `m`) are
 * taken out of a child's output; an escape split across reads is still found.
 */
export class AnsiStripper {
  /** Inside an escape; `afterEscape` when only its ESC was read so far. */
  private state: 'text' | 'afterEscape' | 'inEscape' = 'text';

  push(chunk: Buffer): Buffer {
    if (this.state === 'text' && !chunk.includes(escape)) return chunk;
    const out = Buffer.allocUnsafe(chunk.length + 1);
    let length = 0;
    for (const byte of chunk) {
      if (this.state === 'inEscape') {
        if (terminators.has(byte)) this.state = 'text';
      } else if (this.state === 'afterEscape') {
        // An ESC not followed by `[` is no escape sequence: both bytes stay.
        if (byte === bracket) this.state = 'inEscape';
        else {
          out[length++] = escape;
          if (byte === escape) continue;
          out[length++] = byte;
          this.state = 'text';
        }
      } else if (byte === escape) this.state = 'afterEscape';
      else out[length++] = byte;
    }
    return out.subarray(0, length);
  }

  /** A lone ESC at the very end was text. */
  end(): Buffer {
    const rest = this.state === 'afterEscape' ? Buffer.from([escape]) : Buffer.alloc(0);
    this.state = 'text';
    return rest;
  }
}

export function stripAnsiEscapes(source: Readable): Readable {
  const stripper = new AnsiStripper();
  return filterPipe(source, (chunk) => stripper.push(chunk), () => stripper.end());
}
