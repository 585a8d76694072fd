import { EventEmitter } from 'node:events';
import { closeSync, fstatSync, unlinkSync, writeSync } from 'node:fs';
import { TaskmasterError } from '../contracts/errors.js';
import { formatTimestamp } from '../output/format-time.js';
import { openLogFile } from '../output/open-log-file.js';
import { rotateFile } from '../output/rotate-file.js';
import { OutputCopy } from './output-copy.js';
import type { LogLevel } from './state-machine.js';
import { supervisordWording } from './supervisord-wording.js';

const levelNames: Record<LogLevel, string> = { debug: 'DEBG', info: 'INFO', warn: 'WARN', error: 'ERRO' };
const levelRank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface EventLogOptions {
  readonly path: string;
  readonly maxBytes: number;
  readonly backups: number;
  readonly format: 'text' | 'json';
  readonly level: LogLevel;
  /** Permission bits of the file (see openLogFile). */
  readonly mode: number;
  /** `supervisord` for an INI config: its exact wording and levels (see supervisord-wording.ts). */
  readonly wording?: 'supervisord';
}

/** What an event is about, for the JSON format. */
export interface EventContext {
  readonly event?: string;
  readonly process?: string;
  readonly pid?: number | null;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/**
 * The event log: one line per event, in supervisord's wording or as JSON, appended to a
 * file and rotated by size. Lines are written synchronously at the end of the current
 * turn of the event loop: a restart's spawn is not delayed by the disk, and no line
 * waits for later I/O.
 */
export class EventLog extends EventEmitter {
  private fd: number | null = null;
  private sizeBytes = 0;
  private failed = false;
  private options: EventLogOptions;
  private pending: string[] = [];
  mirrorToStderr = false;
  private readonly outputCopy = new OutputCopy((message, context) => this.write('debug', message, context));

  constructor(options: EventLogOptions) {
    super();
    this.options = options;
    this.open();
  }

  get file(): string {
    return this.options.path;
  }

  private open(): void {
    try {
      this.fd = openLogFile(this.options.path, { mode: this.options.mode });
      this.sizeBytes = fstatSync(this.fd).size;
      this.failed = false;
    } catch (error) {
      this.fd = null;
      this.reportFailure(error);
    }
  }

  private reportFailure(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    process.stderr.write(`taskmaster: cannot write event log ${this.options.path}: ${(error as Error).message}\n`);
  }

  /** Applies new settings (reload) and reopens the file by name (also after logrotate moved it). */
  reopen(options: EventLogOptions = this.options): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.options = options;
    this.open();
  }

  /** supervisord's clearLog: the file is removed and a fresh one opened (backups stay); E_NOT_FOUND when there was none. */
  clear(): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    let removeError: NodeJS.ErrnoException | null = null;
    try {
      unlinkSync(this.options.path);
    } catch (error) {
      removeError = error as NodeJS.ErrnoException;
    }
    this.open();
    if (removeError?.code === 'ENOENT') throw new TaskmasterError('E_NOT_FOUND', `the event log ${this.options.path} does not exist`, { path: this.options.path });
    if (removeError) throw new TaskmasterError('E_INTERNAL', `cannot remove the event log ${this.options.path}: ${removeError.message}`, { path: this.options.path });
    this.info('reopening log file');
  }

  private format(date: Date, level: LogLevel, message: string, context: EventContext): string {
    if (this.options.format === 'text') return `${formatTimestamp(date)} ${levelNames[level]} ${message}\n`;
    const record = {
      time: date.toISOString(),
      level,
      event: context.event ?? 'message',
      ...(context.process === undefined ? {} : { process: context.process }),
      ...(context.pid === undefined || context.pid === null ? {} : { pid: context.pid }),
      message,
      ...context.fields,
    };
    return `${JSON.stringify(record)}\n`;
  }

  /** True when lines of this level are written (log_level). */
  enabled(level: LogLevel): boolean {
    return levelRank[level] >= levelRank[this.options.level];
  }

  /** At log_level debug, copies a chunk of a program's output, as supervisord does (bounded, see OutputCopy). */
  copyOutput(processName: string, stream: 'stdout' | 'stderr', chunk: Buffer): void {
    if (this.enabled('debug')) this.outputCopy.copy(processName, stream, chunk);
  }

  write(level: LogLevel, message: string, context: EventContext = {}): void {
    if (this.options.wording === 'supervisord') ({ level, message } = supervisordWording({ level, message }, context));
    if (!this.enabled(level)) return;
    if (this.pending.length === 0) queueMicrotask(() => this.flush());
    this.pending.push(this.format(new Date(), level, message, context));
  }

  /** Writes out the lines of this turn; also called before anything that closes the file. */
  flush(): void {
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    const text = lines.join('');
    if (this.fd === null && this.failed) this.open();
    if (this.fd !== null) {
      try {
        if (this.options.maxBytes > 0 && this.sizeBytes >= this.options.maxBytes) {
          closeSync(this.fd);
          this.fd = null;
          rotateFile(this.options.path, this.options.backups);
          this.open();
        }
        if (this.fd !== null) this.sizeBytes += writeSync(this.fd, text);
      } catch (error) {
        this.reportFailure(error);
      }
    }
    if (this.mirrorToStderr) process.stderr.write(text);
    for (const line of lines) this.emit('line', line);
  }

  info(message: string, context?: EventContext): void {
    this.write('info', message, context);
  }

  warn(message: string, context?: EventContext): void {
    this.write('warn', message, context);
  }

  error(message: string, context?: EventContext): void {
    this.write('error', message, context);
  }

  close(): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
