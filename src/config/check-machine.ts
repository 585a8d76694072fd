import { userInfo } from 'node:os';
import type { ProgramEntry } from './normalise-program.js';
import type { IssueList } from './yaml-values.js';

/**
 * The machine checks: what depends on where the config is loaded, not on its text.
 * Run in the reload worker too, which sees the same user as the supervisor.
 */
export function checkMachine(entries: readonly ProgramEntry[], issues: IssueList): void {
  if (process.getuid?.() === 0) return;
  let me: { username: string; uid: number } | undefined;
  for (const entry of entries) {
    const user = entry.program?.user ?? null;
    const field = entry.fields.get('user');
    if (user === null || !field) continue;
    me ??= userInfo();
    if (user !== me.username && user !== String(me.uid)) {
      issues.add(field.node, field.keyPath, `switching to user ${user} needs taskmaster to run as root (it runs as ${me.username})`);
    }
  }
}
