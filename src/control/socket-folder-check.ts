import { lstat, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** Every folder from `folder` up to `/`, nearest first. */
function chain(folder: string): string[] {
  const folders: string[] = [];
  let current = resolve(folder);
  for (;;) {
    folders.push(current);
    const parent = dirname(current);
    if (parent === current) return folders;
    current = parent;
  }
}

function problemWith(path: string, info: { uid: number; mode: number }, uid: number | undefined, what: string): string | null {
  if (uid !== undefined && info.uid !== uid && info.uid !== 0) {
    return `${what} ${path} belongs to another user (uid ${info.uid}), who could swap it out; refusing to use it`;
  }
  const sticky = (info.mode & 0o1000) !== 0;
  if ((info.mode & 0o022) !== 0 && !sticky) {
    return `${what} ${path} is writable by others (mode ${(info.mode & 0o7777).toString(8)}) without the sticky bit, so what it holds can be swapped out; refusing to use it`;
  }
  return null;
}

/**
 * Whoever can rename or replace any folder on the socket's path can put their own socket in
 * its place and read every command: each folder up to `/` (symlinks on the way included) must
 * belong to us or root and be writable by no one else, unless it is sticky (as /tmp is).
 */
export async function checkSocketFolder(folder: string): Promise<void> {
  const uid = process.getuid?.();
  for (const path of chain(folder)) {
    const link = await lstat(path);
    if (link.isSymbolicLink()) {
      const problem = problemWith(path, { uid: link.uid, mode: 0 }, uid, 'symlink');
      if (problem) throw new Error(`socket folder: ${problem}`);
    }
  }
  const real = await realpath(folder);
  for (const path of chain(real)) {
    const problem = problemWith(path, await stat(path), uid, path === real ? 'socket folder' : 'folder above the socket,');
    if (problem) throw new Error(problem);
  }
}
