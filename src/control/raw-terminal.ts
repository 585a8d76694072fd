import type { TerminalSize } from '../contracts/terminal-attach.js';

/** The user's own terminal in raw mode, for `fg` on a tty process: keys as bytes, its size and its resizes. */
export interface RawTerminal {
  size(): TerminalSize;
  write(bytes: Buffer): void;
  onKeys(listener: (bytes: Buffer) => void): void;
  onResize(listener: (size: TerminalSize) => void): void;
  /** Puts the terminal back as it was, and gives its keys back to whoever read them before (the shell's line editor). */
  release(): void;
}

/**
 * Takes over a terminal: raw mode, every key to us. Readers that were already there (readline's
 * keypress and resize handlers, in the shell) are set aside until release, so they neither
 * see the keys nor redraw their prompt over the program's screen. Null when either side is not a terminal.
 */
export function openRawTerminal(input: NodeJS.ReadStream, output: NodeJS.WriteStream): RawTerminal | null {
  if (!input.isTTY || !output.isTTY) return null;
  const keypressListeners = input.listeners('keypress') as ((...args: unknown[]) => void)[];
  const resizeListeners = output.listeners('resize') as ((...args: unknown[]) => void)[];
  input.removeAllListeners('keypress');
  output.removeAllListeners('resize');
  const wasRaw = input.isRaw;
  const wasPaused = input.isPaused();
  input.setRawMode(true);
  input.resume();
  const ours: { keys: ((chunk: Buffer) => void)[]; resize: (() => void)[] } = { keys: [], resize: [] };
  const size = (): TerminalSize => ({ cols: output.columns || 80, rows: output.rows || 24 });
  return {
    size,
    write: (bytes) => output.write(bytes),
    onKeys: (listener) => {
      const onData = (chunk: Buffer | string): void => listener(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      ours.keys.push(onData);
      input.on('data', onData);
    },
    onResize: (listener) => {
      // Node turns SIGWINCH into 'resize' on the output stream, with columns and rows already updated.
      const onResize = (): void => listener(size());
      ours.resize.push(onResize);
      output.on('resize', onResize);
    },
    release: () => {
      for (const listener of ours.keys) input.off('data', listener);
      for (const listener of ours.resize) output.off('resize', listener);
      input.setRawMode(wasRaw);
      if (wasPaused) input.pause();
      for (const listener of keypressListeners) input.on('keypress', listener);
      for (const listener of resizeListeners) output.on('resize', listener);
    },
  };
}
