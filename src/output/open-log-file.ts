import { closeSync, constants, fchmodSync, fstatSync, ftruncateSync, lstatSync, mkdirSync, openSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';

/** Folders taskmaster creates for its files. */
export const logFolderMode = 0o700;

export type UnsafeFileReason = 'symlink' | 'foreign-owner' | 'hard-linked';

/**
 * A file taskmaster refuses to write, because writing it would let another user steer
 * taskmaster's output (and its privileges) into a file of their choosing.
 */
export class UnsafeFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: UnsafeFileReason,
    message: string,
  ) {
    super(message);
    this.name = 'UnsafeFileError';
  }
}

export interface OpenLogFileOptions {
  /** Permission bits of a file this call creates, and of a file of ours it opens. */
  readonly mode: number;
  /** Empties the file once it is known to be safe (never before the checks). */
  readonly truncate?: boolean;
}

const sticky = 0o1000;
const otherWrite = 0o002;
const groupOrOtherWrite = 0o022;

function currentUid(): number {
  return process.geteuid?.() ?? -1;
}

/**
 * In a sticky world-writable folder (/tmp) anyone may leave a file under the name we are
 * about to open. The kernel's protected_regular refuses an existing file there unless the
 * opener or the folder's owner owns it; we do the same whatever the sysctl says. A second
 * hard link in a folder someone else can write is refused too: it is how a file of ours
 * (/etc/shadow, for root) would be planted under that name.
 */
function checkPlacement(path: string, file: Stats, folder: Stats): void {
  if (!file.isFile()) return;
  const uid = currentUid();
  const stickyWorldWritable = (folder.mode & sticky) !== 0 && (folder.mode & otherWrite) !== 0;
  if (stickyWorldWritable && file.uid !== uid && file.uid !== folder.uid) {
    throw new UnsafeFileError(path, 'foreign-owner', `it belongs to uid ${file.uid} in the sticky world-writable folder ${dirname(path)}, which taskmaster refuses (as the kernel's protected_regular does)`);
  }
  const othersMayWrite = folder.uid !== uid || (folder.mode & groupOrOtherWrite) !== 0;
  if (file.nlink > 1 && othersMayWrite) {
    throw new UnsafeFileError(path, 'hard-linked', `it has ${file.nlink} hard links in ${dirname(path)}, a folder others can write, which taskmaster refuses`);
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Opens an output file or the event log for appending: never through a symbolic link
 * (O_NOFOLLOW), never another user's file in a folder like /tmp, created with `mode`
 * in folders created 0700. Returns the descriptor; throws a system error or an
 * UnsafeFileError.
 */
export function openLogFile(path: string, options: OpenLogFileOptions): number {
  mkdirSync(dirname(path), { recursive: true, mode: logFolderMode });
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
  let fd: number;
  try {
    fd = openSync(path, flags, options.mode);
  } catch (error) {
    // O_NOFOLLOW fails with ELOOP, or EACCES on a foreign link in a sticky folder (newer kernels).
    if (isSymlink(path)) {
      throw new UnsafeFileError(path, 'symlink', 'it is a symbolic link, and taskmaster never writes through one (O_NOFOLLOW)');
    }
    throw error;
  }
  try {
    // The checks look at what was opened (fstat), so a swap after the check changes nothing.
    const file = fstatSync(fd);
    checkPlacement(path, file, statSync(dirname(path)));
    // The umask may have narrowed a new file, and an old file may predate the setting.
    if (file.isFile() && file.uid === currentUid() && (file.mode & 0o7777) !== options.mode) fchmodSync(fd, options.mode);
    if (options.truncate === true) ftruncateSync(fd, 0);
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Empties a log file that nobody holds open, with the same refusals; a missing file stays missing. */
export function truncateLogFile(path: string, mode: number): void {
  try {
    lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  closeSync(openLogFile(path, { mode, truncate: true }));
}
