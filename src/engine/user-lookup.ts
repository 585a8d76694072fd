import { readFileSync } from 'node:fs';

export interface UserEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/**
 * Looks a user up by name or uid in /etc/passwd (Node has no getpwnam). Throws when the
 * file cannot be read (EMFILE, say), so that is never taken for "no such user".
 */
export function lookupUser(nameOrUid: string): UserEntry | undefined {
  const passwd = readFileSync('/etc/passwd', 'utf8');
  for (const line of passwd.split('\n')) {
    const [name, , uid, gid, , home] = line.split(':');
    if (name === undefined || uid === undefined || gid === undefined) continue;
    if (name === nameOrUid || uid === nameOrUid) {
      return { name, uid: Number(uid), gid: Number(gid), home: home ?? '/' };
    }
  }
  return undefined;
}
