/** The most recent bytes of a stream, at most `capacityBytes` of them. */
export class RingBuffer {
  private chunks: Buffer[] = [];
  private sizeBytes = 0;

  constructor(private readonly capacityBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.sizeBytes += chunk.length;
    while (this.sizeBytes > this.capacityBytes && this.chunks.length > 0) {
      const excess = this.sizeBytes - this.capacityBytes;
      const first = this.chunks[0]!;
      if (first.length <= excess) {
        this.chunks.shift();
        this.sizeBytes -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.sizeBytes -= excess;
      }
    }
  }

  /** The last `lines` lines held, as text. */
  lastLines(lines: number): string {
    if (lines === 0) return '';
    const text = Buffer.concat(this.chunks).toString('utf8');
    const parts = text.split('\n');
    const wanted = text.endsWith('\n') ? lines + 1 : lines;
    return parts.slice(Math.max(0, parts.length - wanted)).join('\n');
  }

  /** Every byte held, oldest first (a terminal's screen to replay). */
  contents(): Buffer {
    return Buffer.concat(this.chunks);
  }

  clear(): void {
    this.chunks = [];
    this.sizeBytes = 0;
  }
}
