import { plainText } from '../output/plain-text.js';
import type { EventContext } from './event-log.js';

/** Program output copied into the event log at most, all processes together, per second. */
export const outputCopyBytesPerSecond = 256 * 1024;
const windowMs = 1000;

type CopyWriter = (message: string, context: EventContext) => void;

/**
 * Copies program output into the event log at `log_level: debug`, in supervisord's form
 * (`DEBG 'web' stdout output:` and the text on the lines after). Bounded: past
 * outputCopyBytesPerSecond in a second, chunks are not copied but counted, and one line
 * per stream says how many bytes were left out, so a flood cannot stall supervision on
 * writes to the log.
 */
export class OutputCopy {
  private windowStartMs = 0;
  private usedBytes = 0;
  private readonly dropped = new Map<string, { readonly process: string; readonly stream: string; bytes: number }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly write: CopyWriter,
    private readonly budgetBytes = outputCopyBytesPerSecond,
  ) {}

  copy(processName: string, stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const nowMs = Date.now();
    if (nowMs - this.windowStartMs >= windowMs) {
      this.windowStartMs = nowMs;
      this.usedBytes = 0;
    }
    if (this.usedBytes + chunk.length > this.budgetBytes) {
      this.countDropped(processName, stream, chunk.length);
      return;
    }
    this.usedBytes += chunk.length;
    const text = plainText(chunk.toString('utf8'));
    this.write(`'${processName}' ${stream} output:\n${text.endsWith('\n') ? text.slice(0, -1) : text}`, { event: 'output', process: processName, fields: { stream } });
  }

  private countDropped(processName: string, stream: string, bytes: number): void {
    const key = `${processName}\0${stream}`;
    const entry = this.dropped.get(key);
    if (entry) entry.bytes += bytes;
    else this.dropped.set(key, { process: processName, stream, bytes });
    if (this.timer) return;
    this.timer = setTimeout(() => this.reportDropped(), Math.max(1, this.windowStartMs + windowMs - Date.now()));
    this.timer.unref();
  }

  private reportDropped(): void {
    this.timer = null;
    for (const { process, stream, bytes } of this.dropped.values()) {
      this.write(`'${process}' ${stream} output: ${bytes} bytes not copied (the event log takes at most ${this.budgetBytes / 1024} KiB of program output a second)`, {
        event: 'output_dropped',
        process,
        fields: { stream, droppedBytes: bytes },
      });
    }
    this.dropped.clear();
  }
}
