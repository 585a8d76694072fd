import { watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

/** How long the config file must go unchanged before watch_config reads it. */
export const configQuietMs = 500;

export interface ConfigWatch {
  close(): void;
}

/**
 * Calls `onSettled` once the file has been quiet for `quietMs`, so a file caught mid-write
 * is never applied. Watches the folder, since editors replace the file instead of writing it.
 */
export function watchConfigFile(file: string, onSettled: () => void, onError: (error: Error) => void, quietMs = configQuietMs): ConfigWatch {
  let pending: NodeJS.Timeout | undefined;
  let closed = false;
  const schedule = (delayMs: number): void => {
    clearTimeout(pending);
    pending = setTimeout(() => void settle(), delayMs);
  };
  // An event can be missed or arrive early: the file's own mtime must also be quietMs old.
  const settle = async (): Promise<void> => {
    const changedAt = await stat(file).then((stats) => stats.mtimeMs, () => 0);
    if (closed) return;
    const quietFor = Date.now() - changedAt;
    // A future mtime (clock skew, unpacked archive) cannot be waited out: treat it as quiet.
    if (quietFor >= 0 && quietFor < quietMs) schedule(quietMs - quietFor);
    else onSettled();
  };
  const watcher = watch(dirname(file), (_event, filename) => {
    if (filename === basename(file)) schedule(quietMs);
  });
  watcher.on('error', onError);
  return {
    close() {
      closed = true;
      clearTimeout(pending);
      watcher.close();
    },
  };
}
