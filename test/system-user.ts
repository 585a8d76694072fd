import { randomBytes } from 'node:crypto';
import { run } from './helpers.js';

export interface SystemUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups made for this user, removed with it. */
  readonly groups: readonly string[];
  /** Deletes the user and its groups; safe to call twice. */
  remove(): Promise<void>;
}

async function must(command: string, args: string[]): Promise<string> {
  const result = await run(command, args);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

/** A real user (and its own group, plus `extraGroups` it belongs to), made with useradd for one test. */
export async function createSystemUser(area: string, extraGroups = 0): Promise<SystemUser> {
  const suffix = randomBytes(3).toString('hex');
  const name = `tmt-${area}-${suffix}`;
  const groups = Array.from({ length: extraGroups }, (_, index) => `tmt-${area}-g${index}-${suffix}`);
  let removed = false;
  const remove = async (): Promise<void> => {
    if (removed) return;
    removed = true;
    await run('userdel', [name]);
    // userdel drops the user's own group; these are the extra ones, and the own one if it stayed.
    for (const group of [...groups, name]) await run('groupdel', [group]);
  };
  try {
    await must('useradd', ['--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', name]);
    for (const group of groups) {
      await must('groupadd', [group]);
      await must('usermod', ['-aG', group, name]);
    }
    const uid = Number((await must('id', ['-u', name])).trim());
    const gid = Number((await must('id', ['-g', name])).trim());
    return { name, uid, gid, groups, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
