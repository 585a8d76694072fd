import { plainText } from './plain-text.js';

/** Lines kept per stream of a run; status shows a few, `status NAME` all of them. */
export const recentLineCount = 20;
/** Bytes kept of one line; the rest of a longer line (or of binary output without newlines) is dropped. */
export const recentLineMaxBytes = 512;
const newline = 0x0a;
const empty = Buffer.alloc(0);

/**
 * The last lines of one output stream, in bounded memory: at most `maxLines` lines of at
 * most `maxLineBytes` bytes each, the unfinished last line included. What a line loses
 * to the cap is marked with `…`.
 */
export class RecentLines {
  private readonly lines: Buffer[] = [];
  private readonly cut: boolean[] = [];
  private partial: Buffer = empty;
  private unsplit: Buffer | null = null;
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
    // Of the lines the chunk completes after its first, only the last maxLines can be kept: found from its end, so a flood costs a scan.
    const lastEnd = chunk.lastIndexOf(newline);
    let before = lastEnd;
    let after = 0;
    while (before > firstEnd && after < this.maxLines) {
      after += 1;
      before = chunk.lastIndexOf(newline, before - 1);
    }
    const start = before + 1;
    if (after === this.maxLines && lastEnd + 1 - start <= this.maxLines * this.maxLineBytes) {
      // They replace everything held: one copy now, split into lines only when someone reads them.
      this.lines.length = 0;
      this.cut.length = 0;
      this.unsplit = Buffer.from(chunk.subarray(start, lastEnd + 1));
      this.partial = empty;
      this.partialCut = false;
    } else {
      this.extend(chunk.subarray(0, firstEnd));
      this.endLine();
      for (let from = start; from <= lastEnd; ) {
        const end = chunk.indexOf(newline, from);
        this.extend(chunk.subarray(from, end));
        this.endLine();
        from = end + 1;
      }
    }
    if (lastEnd + 1 < chunk.length) this.extend(chunk.subarray(lastEnd + 1));
  }

  /** The last `count` lines as plain text (no terminal escapes), oldest first. */
  last(count = this.maxLines): string[] {
    this.split();
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

  /** Whole lines copied from a flood and not yet split: older than the unfinished line, newer than `lines`. */
  private split(): void {
    const unsplit = this.unsplit;
    if (unsplit === null) return;
    this.unsplit = null;
    for (let from = 0; from < unsplit.length; ) {
      const end = unsplit.indexOf(newline, from);
      const length = end - from;
      this.lines.push(unsplit.subarray(from, from + Math.min(length, this.maxLineBytes)));
      this.cut.push(length > this.maxLineBytes);
      from = end + 1;
    }
  }

  private endLine(): void {
    this.split();
    this.lines.push(this.partial);
    this.cut.push(this.partialCut);
    this.partial = empty;
    this.partialCut = false;
    while (this.lines.length > this.maxLines) {
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
