import { LogFile, type LogFileOptions, type Report } from './log-file.js';

interface OpenFile {
  readonly file: LogFile;
  users: number;
}

/**
 * The output files in use, shared by the processes that write to them: several
 * processes of one program writing one file go through one ordered writer.
 */
export class OutputFiles {
  private readonly files = new Map<string, OpenFile>();

  constructor(private readonly report: Report) {}

  acquire(path: string, options: LogFileOptions): LogFile {
    const open = this.files.get(path);
    if (open) {
      open.users += 1;
      open.file.setOptions(options);
      return open.file;
    }
    const file = new LogFile(path, options, this.report);
    this.files.set(path, { file, users: 1 });
    return file;
  }

  release(path: string): void {
    const open = this.files.get(path);
    if (!open) return;
    open.users -= 1;
    if (open.users > 0) return;
    this.files.delete(path);
    void open.file.close();
  }

  get(path: string): LogFile | undefined {
    return this.files.get(path)?.file;
  }

  reopenAll(): void {
    for (const { file } of this.files.values()) file.reopen();
  }

  /** Resolves once every file has been written out and closed. */
  async closeAll(): Promise<void> {
    const files = [...this.files.values()];
    this.files.clear();
    await Promise.all(files.map(({ file }) => file.close()));
  }
}
