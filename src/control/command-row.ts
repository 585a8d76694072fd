import type { SupervisorApi } from '../contracts/supervisor-api.js';
import type { CommandResult } from './command-result.js';
import { UsageError } from './usage-error.js';

/** What the shell offers on Tab for a command's arguments. */
export type ArgumentCompletion = 'none' | 'names' | 'signal-then-names' | 'tail' | 'commands' | 'programs' | 'shells';

/** Long actions whose progress a terminal shows, named by what the processes are doing. */
export type ProgressVerb = 'starting' | 'stopping' | 'restarting';

/** How the front end prints a result: a command may ask the API for less when less is printed. Absent: as JSON. */
export interface Printing {
  readonly json: boolean;
}

/** One command of the shell and taskmasterctl: help, completion and usage all come from its row. */
export interface CommandRow {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly completes: ArgumentCompletion;
  readonly progress?: ProgressVerb;
  /** It reads options of its own (`tail -f`, `add --numprocs`): its words come as typed, `--` included. */
  readonly ownFlags?: boolean;
  /** Its own options, offered on Tab after a `-`. */
  readonly options?: readonly string[];
  /** Talks only to the API and returns data; printing is the front end's job. */
  run(api: SupervisorApi, args: readonly string[], printing?: Printing): Promise<CommandResult>;
}

export function requireNames(args: readonly string[], row: Pick<CommandRow, 'name' | 'usage'>): readonly string[] {
  if (args.length === 0) throw new UsageError(`${row.name} needs at least one NAME (or all)\nusage: ${row.usage}`);
  return args;
}
