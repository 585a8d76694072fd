import { execFileSync } from 'node:child_process';
import { readNoFileLimit, type FileLimit } from '../control/fd-budget.js';
import { nativeCalls } from '../features/native-calls.js';

interface LimitCalls {
  setNoFileLimit(soft: number, hard: number): boolean;
}

/** What raising the limit did: supervisord's info line, or its refusal to start. */
export type MinFdsOutcome = { readonly ok: true; readonly info: string | null } | { readonly ok: false; readonly error: string };

/** setrlimit through the native addon; without it (not built), prlimit(1) on our own pid. */
function setNoFileLimit(soft: number, hard: number): void {
  try {
    nativeCalls<LimitCalls>('minfds', 'E_NO_ADDON', ['setNoFileLimit']).setNoFileLimit(soft, hard);
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== 'E_NO_ADDON') return;
  }
  try {
    execFileSync('prlimit', [`--pid=${process.pid}`, `--nofile=${soft}:${hard}`], { stdio: 'ignore', timeout: 5_000 });
  } catch {
    // Refused or missing: the limit read afterwards says so.
  }
}

/**
 * supervisord's minfds (`[supervisord] minfds=`, `-a`): a soft RLIMIT_NOFILE below it is raised
 * to it (and the hard limit with it, which needs root); when that fails, supervisord refuses to start.
 */
export function applyMinFds(minfds: number, read: () => FileLimit | null = readNoFileLimit): MinFdsOutcome {
  const limit = read();
  if (limit === null || limit.soft >= minfds) return { ok: true, info: null };
  const hard = limit.hard < minfds ? minfds : limit.hard;
  setNoFileLimit(minfds, hard);
  const after = read() ?? limit;
  if (after.soft >= minfds) return { ok: true, info: `Increased RLIMIT_NOFILE limit to ${minfds}` };
  return {
    ok: false,
    error: `The minimum number of file descriptors required to run this process is ${minfds} as per the "minfds" command-line argument or config file setting. The current environment will only allow you to open ${after.hard} file descriptors.  Either raise the number of usable file descriptors in your environment or lower the minfds setting in the config file to allow the process to start.`,
  };
}
