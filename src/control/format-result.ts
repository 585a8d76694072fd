import type { RunRecord } from '../contracts/process-info.js';
import type { ReloadResult } from '../contracts/supervisor-api.js';
import { formatTimestamp } from '../output/format-time.js';
import type { CommandResult } from './command-result.js';
import { formatStatus } from './format-status.js';

/** What a text front end prints for a result: stdout and stderr. */
export interface PrintedResult {
  readonly stdout: string;
  readonly stderr: string;
}

const lines = (items: readonly string[]): string => items.map((item) => `${item}\n`).join('');

/** reload says what it did; reread, which applies nothing, says what reload would do. */
function formatReload(result: ReloadResult): PrintedResult {
  if (!result.ok) return { stdout: '', stderr: `config rejected, nothing changed:\n${result.errors.join('\n')}\n` };
  const diff = result.diff!;
  const applied = result.applied;
  const respawned = applied ? 'restarted' : 'would restart';
  const inPlace = applied ? 'applied in place' : 'would apply in place';
  const changes = [
    ...diff.added.map((name) => `${name}: ${applied ? 'added' : 'available'}`),
    ...diff.changed.map((change) => `${change.name}: changed (${change.changedKeys.join(', ')}), ${change.respawn ? respawned : inPlace}`),
    ...diff.removed.map((name) => `${name}: ${applied ? 'removed' : 'disappeared'}`),
  ];
  return { stdout: changes.length > 0 ? lines(changes) : 'No config updates to processes\n', stderr: '' };
}

/** One run of `history`: start, end, duration, exit and result; a failed run's last lines under it. */
function formatRun(run: RunRecord): string[] {
  const start = formatTimestamp(new Date(run.startedAt));
  if (run.endedAt === null) return [`  ${start}  still running`];
  const exit = run.signal ?? `exit ${run.exitCode}`;
  const line = `  ${start}  to ${formatTimestamp(new Date(run.endedAt)).slice(11)}  ${((run.durationMs ?? 0) / 1000).toFixed(2).padStart(8)}s  ${exit.padEnd(9)}  ${run.result}`;
  return [line, ...run.lastLines.map((text) => `      | ${text}`)];
}

/** The text the shell and taskmasterctl print for a result. */
export function formatResultText(result: CommandResult, colour: boolean): PrintedResult {
  const out = (stdout: string): PrintedResult => ({ stdout, stderr: '' });
  switch (result.kind) {
    case 'nothing':
      return out('');
    case 'status':
      return out(result.processes.map((process) => formatStatus(process, colour, result.detailed)).join(''));
    case 'actions':
      return out(lines(result.results.map((action) => `${action.name}: ${action.ok ? action.message : `ERROR (${action.message})`}`)));
    case 'reload':
      return formatReload(result.result);
    case 'supervisor-pid':
      return out(`${result.pid}\n`);
    case 'process-pids':
      return out(lines(result.processes.map((process) => String(process.pid ?? 0))));
    case 'tail':
      return out(result.text);
    case 'top':
      return { stdout: '', stderr: '' };
    case 'attach':
      return { stdout: '', stderr: `attached to ${result.process.name} (pid ${result.process.pid}); Ctrl-C or Ctrl-D detaches, the process keeps running\n` };
    case 'history':
      return out(
        result.histories
          .map(({ name, runs }) => {
            return lines([name, ...(runs.length === 0 ? ['  no runs yet'] : runs.flatMap(formatRun))]);
          })
          .join(''),
      );
    case 'avail':
      return out(lines(result.programs.map((program) => `${program.name.padEnd(32)} ${program.autostart ? 'auto' : 'manual'}  numprocs ${program.numprocs}  priority ${program.priority}  ${program.cmd}`)));
    case 'shutdown':
      return out('Shut down\n');
    case 'version':
      return out(`${result.version}\n`);
    case 'help':
      if (result.topic) return out(`${result.topic.usage}\n  ${result.topic.summary}\n`);
      return out(lines(result.commands.map((help) => `  ${help.usage.padEnd(40)} ${help.summary}`)));
  }
}

/** The JSON taskmasterctl --json prints for a result. */
export function formatResultJson(result: CommandResult): string {
  const pretty = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  const compact = (value: unknown): string => `${JSON.stringify(value)}\n`;
  switch (result.kind) {
    case 'nothing':
    case 'attach':
    case 'top':
      return '';
    case 'status':
      return pretty(result.processes);
    case 'actions':
      return pretty(result.results);
    case 'reload':
      return pretty(result.result);
    case 'supervisor-pid':
      return compact({ pid: result.pid });
    case 'process-pids':
      return result.processes.map((process) => compact({ name: process.name, pid: process.pid })).join('');
    case 'tail':
      // A followed stream is raw text: there is no end at which to close a JSON document.
      if (result.follow) return result.text;
      return result.source.kind === 'process' ? compact({ name: result.source.name, stream: result.source.stream, text: result.text }) : compact({ text: result.text });
    case 'history':
      return pretty(result.histories);
    case 'avail':
      return pretty(result.programs);
    case 'shutdown':
      return '{"ok":true}\n';
    case 'version':
      return compact({ version: result.version });
    case 'help':
      return result.topic ? compact(result.topic) : pretty(result.commands);
  }
}
