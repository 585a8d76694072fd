import { EventEmitter } from 'node:events';
import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogLevel } from './state-machine.js';

const levelNames: Record<LogLevel, string> = { debug: 'DEBG', info: 'INFO', warn: 'WARN', error: 'ERRO' };

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** supervisord's timestamp: local time, `2026-11-22 10:00:00,123`. */
export function formatTimestamp(date: Date): string {
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())},${pad(date.getMilliseconds(), 3)}`
  );
}

/**
 * The event log: one line per event, in supervisord's wording, appended to a file.
 * Writes are synchronous so that no event is lost if the supervisor dies right after it.
 */
export class EventLog extends EventEmitter {
  private fd: number | null = null;
  private path: string;
  private failed = false;
  mirrorToStderr = false;

  constructor(path: string) {
    super();
    this.path = path;
    this.open();
  }

  get file(): string {
    return this.path;
  }

  private open(): void {
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a', 0o644);
      this.failed = false;
    } catch (error) {
      this.fd = null;
      this.reportFailure(error);
    }
  }

  private reportFailure(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    process.stderr.write(`taskmaster: cannot write event log ${this.path}: ${(error as Error).message}\n`);
  }

  /** Points the log at another file (reload) or reopens the same one (after logrotate moved it). */
  reopen(path = this.path): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.path = path;
    this.open();
  }

  write(level: LogLevel, message: string): void {
    const line = `${formatTimestamp(new Date())} ${levelNames[level]} ${message}\n`;
    if (this.fd === null && this.failed) this.open();
    if (this.fd !== null) {
      try {
        writeSync(this.fd, line);
      } catch (error) {
        this.reportFailure(error);
      }
    }
    if (this.mirrorToStderr) process.stderr.write(line);
    this.emit('line', line);
  }

  info(message: string): void {
    this.write('info', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  error(message: string): void {
    this.write('error', message);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
