import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

interface OpenFile {
  stream: WriteStream;
  users: number;
}

/**
 * Append-mode output files shared by the processes that write to them, so several
 * processes of one program writing one file use one descriptor.
 */
export class OutputFiles {
  private readonly files = new Map<string, OpenFile>();

  constructor(private readonly onError: (path: string, error: Error) => void) {}

  acquire(path: string): WriteStream {
    const open = this.files.get(path);
    if (open) {
      open.users += 1;
      return open.stream;
    }
    mkdirSync(dirname(path), { recursive: true });
    const stream = createWriteStream(path, { flags: 'a', mode: 0o644 });
    stream.on('error', (error) => this.onError(path, error));
    this.files.set(path, { stream, users: 1 });
    return stream;
  }

  release(path: string): void {
    const open = this.files.get(path);
    if (!open) return;
    open.users -= 1;
    if (open.users > 0) return;
    this.files.delete(path);
    open.stream.end();
  }

  /** Resolves once every file has been flushed and closed. */
  async closeAll(): Promise<void> {
    const closing = [...this.files.values()].map(
      ({ stream }) => new Promise<void>((resolve) => stream.end(() => resolve())),
    );
    this.files.clear();
    await Promise.all(closing);
  }
}
