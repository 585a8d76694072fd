import { plainText } from './plain-text.js';

/** Lines kept per stream of a run; status shows a few, `status NAME` all of them. */
export const recentLineCount = 20;
/** Bytes kept of one line; the rest of a longer line (or of binary output without newlines) is dropped. */
export const recentLineMaxBytes = 512;
const newline = 0x0a;

/**
 * The last lines of one output stream, in bounded memory: at most `maxLines` lines of at
 * most `maxLineBytes` bytes each, the unfinished last line included. What a line loses
 * to the cap is marked with `…`.
 */
export class RecentLines {
  private readonly lines: Buffer[] = [];
  private readonly cut: boolean[] = [];
  private partial: Buffer = Buffer.alloc(0);
  private partialCut = false;
  private wroteAnything = false;

  constructor(
    private readonly maxLines = recentLineCount,
    private readonly maxLineBytes = recentLineMaxBytes,
  ) {}

  get isEmpty(): boolean {
    return !this.wroteAnything;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.wroteAnything = true;
    const firstEnd = chunk.indexOf(newline);
    if (firstEnd === -1) {
      this.extend(chunk);
      return;
    }
    this.extend(chunk.subarray(0, firstEnd));
    this.endLine();
    // Of the lines the chunk completes after that, only the last maxLines can be kept: found from its end, so a flood costs a scan.
    const ends: number[] = [];
    let before = chunk.lastIndexOf(newline);
    while (before > firstEnd && ends.length < this.maxLines) {
      ends.push(before);
      before = chunk.lastIndexOf(newline, before - 1);
    }
    let start = before + 1;
    for (const end of ends.reverse()) {
      this.extend(chunk.subarray(start, end));
      this.endLine();
      start = end + 1;
    }
    if (start < chunk.length) this.extend(chunk.subarray(start));
  }

  /** The last `count` lines as plain text (no terminal escapes), oldest first. */
  last(count = this.maxLines): string[] {
    const held = this.lines.map((line, index) => this.render(line, this.cut[index]!));
    if (this.partial.length > 0 || this.partialCut) held.push(this.render(this.partial, this.partialCut));
    return held.slice(Math.max(0, held.length - count));
  }

  private extend(bytes: Buffer): void {
    const room = this.maxLineBytes - this.partial.length;
    if (bytes.length > room) this.partialCut = true;
    // Copied, so a big chunk read from the pipe is not kept alive by a slice of it.
    if (room > 0 && bytes.length > 0) this.partial = Buffer.concat([this.partial, bytes.subarray(0, room)]);
  }

  private endLine(): void {
    this.lines.push(this.partial);
    this.cut.push(this.partialCut);
    this.partial = Buffer.alloc(0);
    this.partialCut = false;
    if (this.lines.length > this.maxLines) {
      this.lines.shift();
      this.cut.shift();
    }
  }

  private render(line: Buffer, cut: boolean): string {
    // A multi-byte character split by the cap decodes to U+FFFD: dropped, the mark says text is missing.
    const text = plainText(line.toString('utf8'));
    return cut ? `${text.replace(/\uFFFD+$/, '')}…` : text;
  }
}
