import { closeSync, constants, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/**
 * Replaces `path` with `data` atomically: written to a fresh temporary file beside it
 * (O_EXCL | O_NOFOLLOW, so a planted link or file is never written through), then
 * renamed over it; a rename replaces a link at `path` instead of following it.
 */
export function replaceFileSync(path: string, data: string, mode = 0o600): void {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temporary, path);
  } catch (error) {
    unlinkSync(temporary);
    throw error;
  }
}
