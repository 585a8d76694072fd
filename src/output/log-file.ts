import { EventEmitter } from 'node:events';
import { closeSync, fstatSync, writev } from 'node:fs';
import { openLogFile } from './open-log-file.js';
import { rotateFile } from './rotate-file.js';

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
const retryMs = 1000;

export type Report = (level: 'warn' | 'info', message: string) => void;

/**
 * An output file written in order by one writer at a time, rotated between writes so no
 * byte is lost or doubled. When the file cannot be written it drops output (counting it)
 * and retries, so the child is never blocked by a broken disk.
 */
export class LogFile extends EventEmitter {
  private fd: number | null = null;
  private sizeBytes = 0;
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private writing = false;
  private failure: string | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private droppedSinceFailure = 0;
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
      this.sizeBytes = fstatSync(this.fd).size;
      if (this.failure !== null) {
        this.report('info', `resumed writing ${this.path} (dropped ${this.droppedSinceFailure} bytes while it could not be written)`);
      }
      this.failure = null;
      this.droppedSinceFailure = 0;
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
    this.drop();
    if (!this.closed && this.retryTimer === null) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (!this.closed && this.open()) this.emit('drain');
      }, retryMs);
      this.retryTimer.unref();
    }
  }

  private drop(): void {
    this.droppedBytes += this.queuedBytes;
    this.droppedSinceFailure += this.queuedBytes;
    this.queue = [];
    this.queuedBytes = 0;
    this.emit('drain');
  }

  /** Queues bytes; false means the writer should pause until 'drain'. */
  write(chunk: Buffer): boolean {
    if (chunk.length === 0) return true;
    if (this.failure !== null || this.closed) {
      this.droppedBytes += chunk.length;
      this.droppedSinceFailure += chunk.length;
      return true;
    }
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
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
      this.writing = false;
      if (this.queue.length === 0) this.emit('idle');
      return;
    }
    this.writing = true;
    if (this.options.maxBytes > 0 && this.sizeBytes >= this.options.maxBytes) this.rotate();
    if (this.fd === null) {
      this.writing = false;
      return;
    }
    const batch = this.takeBatch();
    const fd = this.fd;
    writev(fd, batch, (error, written) => {
      if (error) {
        // What was taken for this batch is lost with the failure: count it.
        const lost = batch.reduce((sum, buffer) => sum + buffer.length, 0);
        this.queuedBytes -= lost;
        this.droppedBytes += lost;
        this.droppedSinceFailure += lost;
        this.writing = false;
        this.fail(error);
        return;
      }
      this.sizeBytes += written;
      const total = batch.reduce((sum, buffer) => sum + buffer.length, 0);
      if (written < total) this.queue.unshift(Buffer.concat(batch).subarray(written));
      const wasAboveHighWater = this.queuedBytes >= highWaterBytes;
      this.queuedBytes -= written;
      if (wasAboveHighWater && this.queuedBytes < highWaterBytes) this.emit('drain');
      this.flush();
    });
  }

  private rotate(): void {
    try {
      closeSync(this.fd!);
      this.fd = null;
      rotateFile(this.path, this.options.backups);
      this.fd = openLogFile(this.path, { mode: this.options.mode });
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
      this.once('idle', () => this.truncateNow());
      return;
    }
    if (this.fd !== null) closeSync(this.fd);
    this.fd = openLogFile(this.path, { mode: this.options.mode, truncate: true });
    this.sizeBytes = 0;
  }

  /** Writes out everything queued, then closes. */
  async close(): Promise<void> {
    if (this.writing) await new Promise((resolve) => this.once('idle', resolve));
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
