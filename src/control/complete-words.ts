import type { SupervisorApi } from '../contracts/supervisor-api.js';
import { commandNames, findCommand } from './command-table.js';
import { completionShells } from './completion-scripts.js';

const signalNames = ['TERM', 'HUP', 'INT', 'QUIT', 'KILL', 'USR1', 'USR2', 'STOP', 'CONT'];

/** True when the finished words after `tail` already hold its NAME, so a stream comes next. */
function tailHasName(finished: readonly string[]): boolean {
  for (let index = 0; index < finished.length; index += 1) {
    const word = finished[index]!;
    if (word === '-n') index += 1;
    else if (!word.startsWith('-')) return true;
  }
  return false;
}

async function processNames(api: SupervisorApi): Promise<string[]> {
  const processes = await api.status().catch(() => []);
  const groups = new Set(processes.filter((process) => process.name.includes(':')).map((process) => process.group));
  return ['all', ...processes.map((process) => process.name), ...[...groups].flatMap((group) => [group, `${group}:*`])];
}

/**
 * What Tab offers for the last of `words` (a command line without the program's name; the
 * last word is the one being typed, maybe empty): the shell and the completion scripts share it.
 */
export async function completeCommandLine(api: SupervisorApi, words: readonly string[], extraCommands: readonly string[] = []): Promise<string[]> {
  const current = words[words.length - 1] ?? '';
  const finished = words.slice(1, -1).filter((word) => word !== '--json');
  const candidates: string[] = [];
  const row = words.length <= 1 ? undefined : findCommand(words[0]!);
  const completes = words.length <= 1 ? 'command' : (row?.completes ?? 'names');
  if (completes === 'command') candidates.push(...commandNames, ...extraCommands);
  else if (current.startsWith('-')) candidates.push('--json', '--help', ...(row?.options ?? []));
  else if (completes === 'commands') candidates.push(...commandNames);
  else if (completes === 'shells') candidates.push(...(finished.length === 0 ? completionShells : []));
  else if (completes === 'signal-then-names' && finished.length === 0) candidates.push(...signalNames);
  else if (completes === 'tail' && tailHasName(finished)) candidates.push('stdout', 'stderr');
  else if (completes === 'programs') candidates.push(...(await api.avail().catch(() => [])).map((program) => program.name));
  else if (completes !== 'none') candidates.push(...(await processNames(api)));
  return [...new Set(candidates)].filter((candidate) => candidate.startsWith(current)).sort();
}
