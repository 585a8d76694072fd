import { writeSync } from 'node:fs';

/** The alternate screen with the cursor hidden, and raw keys; restore() undoes all of it, once. */
export interface FullScreen {
  write(text: string): void;
  size(): { columns: number; rows: number };
  restore(): void;
}

const enter = '\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J';
const leave = '\x1b[0m\x1b[?25h\x1b[?1049l';

export function openFullScreen(input: NodeJS.ReadStream, output: NodeJS.WriteStream): FullScreen {
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    if (input.isTTY) input.setRawMode(false);
    input.pause();
    // Synchronous: on exit there is no later turn of the event loop to flush a stream write.
    try {
      writeSync((output as unknown as { fd: number }).fd, leave);
    } catch {
      // The terminal is gone (hung up); nothing is left to restore.
    }
  };
  process.on('exit', restore);
  if (input.isTTY) input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  output.write(enter);
  return {
    write: (text) => {
      if (!restored) output.write(text);
    },
    size: () => ({ columns: output.columns ?? 80, rows: output.rows ?? 24 }),
    restore,
  };
}
