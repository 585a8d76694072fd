import { EventEmitter } from 'node:events';
import { closeSync, fstatSync } from 'node:fs';
import { openLogFile } from './open-log-file.js';
import { rotateFile } from './rotate-file.js';
import { WritePlace } from './write-place.js';

export interface LogFileOptions {
  /** Rotate once the file reaches this size; 0 never rotates. */
  readonly maxBytes: number;
  readonly backups: number;
  /** Permission bits of the file (see openLogFile). */
  readonly mode: number;
}

/** Queued bytes above which writers are asked to pause until 'drain'. */
const highWaterBytes = 2 * 1024 * 1024;
/** One writev call carries at most this much, so there are few calls per MB. */
const batchBytes = 1024 * 1024;
/** While a file cannot be written, writing it is tried again this often. */
const retryMs = 1000;
/** While a file cannot be written, each writer's pipe is read (and dropped) at most once per this, to keep a flood cheap. */
const dropPaceMs = 10;

export type Report = (level: 'warn' | 'info', message: string) => void;

/**
 * An output file written in order by one writer at a time, rotated between writes so no
 * byte is lost or doubled. When the file cannot be written it says so once, drops output
 * (counting it) at a paced rate, and tries again every retryMs with the next chunk; the
 * first write that lands again reports the outage's count. A child is slowed by a broken
 * disk, never stopped.
 */
export class LogFile extends EventEmitter {
  private fd: number | null = null;
  private sizeBytes = 0;
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private writing = false;
  private failure: string | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private paceTimer: NodeJS.Timeout | null = null;
  /** The retry time came: the next chunk is written again rather than dropped. */
  private probeDue = false;
  private closed = false;
  private droppedSinceFailure = 0;
  /** Bytes ever queued, and of those, bytes written or dropped: for written(). */
  private queuedTotalBytes = 0;
  private doneTotalBytes = 0;
  private waiters: { readonly untilBytes: number; readonly resolve: () => void }[] = [];
  private readonly place = new WritePlace();
  droppedBytes = 0;

  constructor(
    readonly path: string,
    private options: LogFileOptions,
    private readonly report: Report,
  ) {
    super();
    // Every paused writer of a shared file waits for 'drain': there can be many.
    this.setMaxListeners(0);
    this.open();
  }

  get isFailing(): boolean {
    return this.failure !== null;
  }

  setOptions(options: LogFileOptions): void {
    this.options = options;
  }

  private open(): boolean {
    try {
      this.fd = openLogFile(this.path, { mode: this.options.mode });
      this.place.opened(this.fd, this.path);
      this.sizeBytes = fstatSync(this.fd).size;
      return true;
    } catch (error) {
      this.fail(error as NodeJS.ErrnoException);
      return false;
    }
  }

  private fail(error: NodeJS.ErrnoException): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // Already unusable; the reopen below starts clean.
      }
    }
    this.fd = null;
    const reason = error.code ?? error.message;
    if (this.failure === null) {
      this.report('warn', `cannot write ${this.path}: ${reason}; dropping output until it can be written again`);
    }
    this.failure = reason;
    this.probeDue = false;
    this.countDropped(this.queuedBytes);
    this.advance(this.queuedBytes);
    this.queue = [];
    this.queuedBytes = 0;
    this.settle();
    this.emit('drain');
    if (!this.closed && this.retryTimer === null) {
      this.retryTimer = setTimeout(() => this.retry(), retryMs);
      this.retryTimer.unref();
    }
  }

  /** Opens the file again if needed; the next chunk then probes whether it can be written. */
  private retry(): void {
    this.retryTimer = null;
    if (this.closed || (this.fd === null && !this.open())) return;
    this.probeDue = true;
    this.emit('drain');
  }

  private resumed(): void {
    if (this.failure === null) return;
    this.report('info', `resumed writing ${this.path} (dropped ${this.droppedSinceFailure} bytes while it could not be written)`);
    this.failure = null;
    this.droppedSinceFailure = 0;
  }

  private countDropped(bytes: number): void {
    this.droppedBytes += bytes;
    this.droppedSinceFailure += bytes;
  }

  /** Asks a writer to pause; 'drain' lets every paused writer read one more chunk after dropPaceMs. */
  private pace(): false {
    if (this.paceTimer === null) {
      this.paceTimer = setTimeout(() => {
        this.paceTimer = null;
        this.emit('drain');
      }, dropPaceMs);
      this.paceTimer.unref();
    }
    return false;
  }

  /** Counts bytes that left the queue and wakes whoever waited for them. */
  private advance(bytes: number): void {
    this.doneTotalBytes += bytes;
    if (this.waiters.length === 0) return;
    const waiting = this.waiters;
    this.waiters = waiting.filter((waiter) => waiter.untilBytes > this.doneTotalBytes);
    for (const waiter of waiting) if (waiter.untilBytes <= this.doneTotalBytes) waiter.resolve();
  }

  private settle(): void {
    this.writing = false;
    this.emit('idle');
  }

  /** Queues bytes; false means the writer should pause until 'drain'. */
  write(chunk: Buffer): boolean {
    if (chunk.length === 0) return true;
    // Once closed, nothing waits for the file: drain pipes quickly to their end.
    if (this.closed) {
      this.countDropped(chunk.length);
      return true;
    }
    if (this.failure !== null && !this.probeDue) {
      this.countDropped(chunk.length);
      return this.pace();
    }
    this.probeDue = false;
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
    this.queuedTotalBytes += chunk.length;
    if (!this.writing) this.flush();
    return this.queuedBytes < highWaterBytes;
  }

  /** Whole buffers up to one batch, and no further than the rotation size allows. */
  private takeBatch(): Buffer[] {
    const batch: Buffer[] = [];
    let bytes = 0;
    const room = this.options.maxBytes > 0 ? Math.min(batchBytes, this.options.maxBytes - this.sizeBytes) : batchBytes;
    while (this.queue.length > 0 && (bytes < room || batch.length === 0)) {
      const next = this.queue.shift()!;
      batch.push(next);
      bytes += next.length;
    }
    return batch;
  }

  private flush(): void {
    if (this.fd === null || this.queue.length === 0) {
      this.settle();
      return;
    }
    this.writing = true;
    if (this.options.maxBytes > 0 && this.sizeBytes >= this.options.maxBytes) this.rotate();
    if (this.fd === null) {
      this.settle();
      return;
    }
    const batch = this.takeBatch();
    this.place.write(this.fd, batch, (error, written) => this.landed(batch, error, written));
  }

  /** A batch's write ended: what it wrote, or why it failed. */
  private landed(batch: Buffer[], error: NodeJS.ErrnoException | null, written: number): void {
    if (error) {
      // What was taken for this batch is lost with the failure: count it.
      const lost = batch.reduce((sum, buffer) => sum + buffer.length, 0);
      this.queuedBytes -= lost;
      this.countDropped(lost);
      this.advance(lost);
      this.fail(error);
      return;
    }
    if (written > 0) this.resumed();
    this.sizeBytes += written;
    const total = batch.reduce((sum, buffer) => sum + buffer.length, 0);
    if (written < total) this.queue.unshift(Buffer.concat(batch).subarray(written));
    const wasAboveHighWater = this.queuedBytes >= highWaterBytes;
    this.queuedBytes -= written;
    this.advance(written);
    if (wasAboveHighWater && this.queuedBytes < highWaterBytes) this.emit('drain');
    this.flush();
  }

  private rotate(): void {
    try {
      closeSync(this.fd!);
      this.fd = null;
      rotateFile(this.path, this.options.backups);
      this.fd = openLogFile(this.path, { mode: this.options.mode });
      this.place.opened(this.fd, this.path);
      this.sizeBytes = 0;
    } catch (error) {
      this.fail(error as NodeJS.ErrnoException);
    }
  }

  /** Closes and opens the file again by name, for logrotate's moves (SIGUSR2). */
  reopen(): void {
    if (this.writing) {
      this.once('idle', () => this.reopen());
      return;
    }
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.open();
  }

  /** Empties the file; queued output still lands after the cut. */
  truncateNow(): void {
    if (this.writing) {
      // Later, nobody waits for the answer: a failure is in the event log through fail().
      this.once('idle', () => {
        try {
          this.truncateNow();
        } catch {}
      });
      return;
    }
    if (this.fd !== null) closeSync(this.fd);
    // Never keep a closed descriptor: its number may already belong to another file.
    this.fd = null;
    try {
      this.fd = openLogFile(this.path, { mode: this.options.mode, truncate: true });
      this.place.opened(this.fd, this.path);
    } catch (error) {
      this.fail(error as NodeJS.ErrnoException);
      throw error;
    }
    this.sizeBytes = 0;
  }

  /** Resolves once everything queued so far is written (or dropped, if the file fails), even while writers go on. */
  written(): Promise<void> {
    const untilBytes = this.queuedTotalBytes;
    if (this.doneTotalBytes >= untilBytes) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ untilBytes, resolve }));
  }

  /** Writes out everything queued, then closes. */
  async close(): Promise<void> {
    await this.written();
    this.closed = true;
    // A writev may be under way with bytes queued since: let it land before the fd goes.
    if (this.writing) await new Promise((resolve) => this.once('idle', resolve));
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.paceTimer) clearTimeout(this.paceTimer);
    this.emit('drain');
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
