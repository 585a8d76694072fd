import { readFileSync } from 'node:fs';

/** The uid of a user name from /etc/passwd (a number is taken as it is); null when unknown here. */
export function uidOfUser(user: string): number | null {
  if (/^\d+$/.test(user)) return Number(user);
  let passwd: string;
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return null;
  }
  for (const line of passwd.split('\n')) {
    const [name, , uid] = line.split(':');
    if (name === user && uid !== undefined && /^\d+$/.test(uid)) return Number(uid);
  }
  return null;
}
