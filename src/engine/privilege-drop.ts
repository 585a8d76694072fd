import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { UserEntry } from './user-lookup.js';

/** How to exec a command as another user. */
export interface ExecAs {
  readonly file: string;
  readonly args: readonly string[];
  /** Set only when Node itself switches the ids (without setpriv, or not as root). */
  readonly uid?: number;
  readonly gid?: number;
  /** Said once per supervisor, for the event log. */
  readonly warning: string | null;
}

let setprivPath: string | null | undefined;
let warnedMissingSetpriv = false;

function findSetpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  for (const folder of (process.env['PATH'] ?? '').split(delimiter)) {
    if (folder === '') continue;
    const path = join(folder, 'setpriv');
    try {
      if (!statSync(path).isFile()) continue;
      accessSync(path, constants.X_OK);
      setprivPath = path;
      break;
    } catch {
      // Not in this folder.
    }
  }
  return setprivPath;
}

/**
 * Runs `file` as `user` with exactly the ids of a login as that user: uid, gid and the
 * user's supplementary groups (initgroups). Node's spawn can set uid and gid but clears
 * the groups and cannot add them, so setpriv (util-linux) execs the command in the same
 * process after switching; the pid stays the child's.
 */
export function execAs(user: UserEntry, file: string, args: readonly string[]): ExecAs {
  if (process.geteuid?.() !== 0) {
    // Only root switches users; as the user itself there is nothing to drop.
    return { file, args, warning: null };
  }
  const setpriv = findSetpriv();
  if (setpriv !== null) {
    return { file: setpriv, args: [`--reuid=${user.name}`, `--regid=${user.gid}`, '--init-groups', '--', file, ...args], warning: null };
  }
  const warning = warnedMissingSetpriv ? null : `setpriv (util-linux) is not in PATH: processes with user: run with that user's uid and gid but without its supplementary groups`;
  warnedMissingSetpriv = true;
  return { file, args, uid: user.uid, gid: user.gid, warning };
}
