import { renameSync, rmSync } from 'node:fs';

/**
 * Shifts PATH to PATH.1, PATH.1 to PATH.2 ... keeping `backups` old files, as
 * supervisord does. With no backups the caller simply starts the file anew.
 */
export function rotateFile(path: string, backups: number): void {
  if (backups <= 0) {
    rmSync(path, { force: true });
    return;
  }
  rmSync(`${path}.${backups}`, { force: true });
  for (let index = backups - 1; index >= 1; index -= 1) {
    try {
      renameSync(`${path}.${index}`, `${path}.${index + 1}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  renameSync(path, `${path}.1`);
}
