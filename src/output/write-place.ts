import { fstatSync, statfsSync, writev, writevSync } from 'node:fs';

/** Filesystems whose writes land in the page cache and return at once: ext2-4, xfs, btrfs, tmpfs, overlayfs, f2fs, zfs, ramfs. */
const pageCacheFilesystems = new Set([0xef53, 0x58465342, 0x9123683e, 0x01021994, 0x794c7630, 0xf2f52010, 0x2fc12fc1, 0x858458f6]);
/** A write on the event loop slower than this sends the file's writes to the thread pool for a while. */
export const slowLoopWriteMs = 10;
/** How long a file that was slow to write is written from the thread pool before the event loop tries again; doubled while it stays slow. */
export const firstPoolSpellMs = 1000;
const longestPoolSpellMs = 60_000;

/**
 * Where a log file's writes run: on the event loop (writevSync) or in the thread pool
 * (writev). On the loop a chunk costs no hand-over to a worker thread and no wake-up back,
 * about a third less supervisor CPU per GB with ten writers; so only a regular file on a
 * local filesystem is written there, and a write that blocked (a disk under writeback
 * pressure) sends the file to the thread pool for a spell (see firstPoolSpellMs). A pipe, a device or
 * a network filesystem, which may block for as long as it likes, always goes to the pool.
 */
export class WritePlace {
  private pageCache = false;
  private poolUntilMs = 0;
  private spellMs = firstPoolSpellMs;

  constructor(private readonly slowWriteMs = slowLoopWriteMs) {}

  /** Looks at each newly opened descriptor of the file (first open, rotation, reopen). */
  opened(fd: number, path: string): void {
    try {
      this.pageCache = fstatSync(fd).isFile() && pageCacheFilesystems.has(statfsSync(path).type);
    } catch {
      this.pageCache = false;
    }
  }

  get onLoop(): boolean {
    return this.pageCache && (this.poolUntilMs === 0 || Date.now() >= this.poolUntilMs);
  }

  /** Writes a batch where it belongs; `done` is called at once on the loop, later from the pool. */
  write(fd: number, batch: readonly Buffer[], done: (error: NodeJS.ErrnoException | null, written: number) => void): void {
    if (!this.onLoop) {
      writev(fd, batch, (error, written) => done(error, written));
      return;
    }
    const startedMs = performance.now();
    let written: number;
    try {
      written = writevSync(fd, batch);
    } catch (error) {
      done(error as NodeJS.ErrnoException, 0);
      return;
    }
    // A busy machine can also make a write look slow: one such write costs a second in the pool, a disk that stays slow ever longer.
    if (performance.now() - startedMs > this.slowWriteMs) {
      this.poolUntilMs = Date.now() + this.spellMs;
      this.spellMs = Math.min(2 * this.spellMs, longestPoolSpellMs);
    } else {
      this.poolUntilMs = 0;
      this.spellMs = firstPoolSpellMs;
    }
    done(null, written);
  }
}
