import { resolve } from 'node:path';
import { featureKeys } from './feature-keys.js';
import { configLimits } from './limits.js';
import { programKey, scalar, type KeySpec, type ProgramKey } from './program-key.js';
import { fromNode, parseAutorestart, parseCmd, parseEnv, parseExitCodes, parseFileMode, parseOutput, parseUmask } from './program-values.js';
import { parseSignal } from './signals.js';
import type { OutputTarget } from './types.js';
import { bad, ok, parseBoolean, parseDuration, parseSize, parseWholeNumber, readScalar } from './yaml-values.js';

export const defaultMaxBytes = 50 * 1024 * 1024;
export const defaultBackups = 10;
/** Output files and the event log are private to their owner unless the config says otherwise. */
export const defaultLogFileMode = 0o600;

const backups = scalar((raw) => parseWholeNumber(raw, 0, configLimits.maxBackups));
const output: KeySpec<OutputTarget> = {
  reload: 'spawn', default: { kind: 'auto' }, shown: 'auto',
  parse: (node, keyPath, context) => readScalar({ node, keyPath }, (raw) => parseOutput(raw, context.baseDir), context.issues, context.source),
  doc: 'a file path; `discard`; `auto` (a file per process in `logdir`, `NAME.stdout.log`); or `inherit` (taskmaster\'s own stdout, each line prefixed with the process name)',
};

/** Every program key, one row each: parsing, aliases, defaults, reload class and the README table come from here. */
export const programKeys: readonly ProgramKey[] = [
  programKey('cmd', 'cmd', { aliases: ['command'], derived: ['argv'], reload: 'spawn', default: '', parse: parseCmd, shown: 'required', doc: 'the command line, or an argv list (`[sh, -c, "..."]`); see below' }),
  programKey('numprocs', 'numprocs', {
    reload: 'supervision', default: 1, parse: scalar((raw) => parseWholeNumber(raw, 1, configLimits.maxNumprocs)), shown: '1',
    doc: 'how many processes; N > 1 names them `web_00` ... in group `web`; a change starts or stops the difference',
  }),
  programKey('group', 'group', {
    reload: 'spawn', default: '', shown: 'the program\'s name',
    parse: scalar((raw) => (typeof raw === 'string' && /^[\p{L}\p{N}_.-]+$/u.test(raw) ? ok(raw) : bad('expected a group name (letters, digits, _, . and -)'))),
    doc: 'the group its processes belong to: programs with the same `group` are addressed together (`api:*`, `api`), their processes are `api:NAME` (supervisord\'s `[group:x]`)',
  }),
  programKey('umask', 'umask', { reload: 'spawn', default: null, parse: fromNode(parseUmask), shown: "the supervisor's", doc: 'octal umask of the child; `022` means octal 022 however YAML reads it' }),
  programKey('workingdir', 'workingDir', {
    aliases: ['directory'], reload: 'spawn', default: null, shown: "the supervisor's", doc: 'working directory of the child',
    parse: (node, keyPath, context) => readScalar({ node, keyPath }, (raw) => (typeof raw === 'string' && raw !== '' ? ok(resolve(context.baseDir, raw)) : bad('expected a folder path')), context.issues, context.source),
  }),
  programKey('autostart', 'autostart', { reload: 'supervision', default: true, scheduledDefault: false, parse: scalar(parseBoolean), shown: 'true', doc: 'start when taskmaster starts (and when added by a reload)' }),
  programKey('autorestart', 'autorestart', {
    reload: 'supervision', default: 'unexpected', scheduledDefault: 'never', parse: scalar(parseAutorestart), shown: 'unexpected',
    doc: '`always`, `never`, `unexpected` (true = always, false = never)',
  }),
  programKey('exitcodes', 'exitCodes', { reload: 'supervision', default: [0], parse: fromNode(parseExitCodes), shown: '0', doc: 'the expected exit codes: a number or a list' }),
  programKey('startretries', 'startRetries', { reload: 'supervision', default: 3, parse: scalar((raw) => parseWholeNumber(raw, 0, configLimits.maxRetries)), shown: '3', doc: 'failed starts retried before FATAL' }),
  programKey('starttime', 'startTimeMs', { aliases: ['startsecs'], reload: 'supervision', default: 1000, scheduledDefault: 0, parse: scalar(parseDuration), shown: '1s', doc: 'how long it must stay up to count as started' }),
  programKey('stopsignal', 'stopSignal', {
    reload: 'supervision', default: 'SIGTERM', shown: 'TERM', doc: '`TERM`, `SIGUSR1`, `15`, ...',
    parse: scalar((raw) => {
      const signal = parseSignal(raw);
      return signal ? ok(signal) : bad('expected a signal such as TERM, SIGUSR1 or 15');
    }),
  }),
  programKey('stoptime', 'stopTimeMs', { aliases: ['stopwaitsecs'], reload: 'supervision', default: 10_000, parse: scalar(parseDuration), shown: '10s', doc: 'wait after the stop signal before SIGKILL' }),
  programKey('stdout', 'stdout', { ...output, aliases: ['stdout_logfile'] }),
  programKey('stderr', 'stderr', { ...output, aliases: ['stderr_logfile'], doc: 'the same for stderr' }),
  programKey('redirect_stderr', 'redirectStderr', { reload: 'spawn', default: false, parse: scalar(parseBoolean), shown: 'false', doc: 'merge stderr into stdout' }),
  programKey('stdout_maxbytes', 'stdoutMaxBytes', {
    aliases: ['stdout_logfile_maxbytes'], reload: 'spawn', default: defaultMaxBytes, parse: scalar(parseSize), shown: '50MB',
    doc: 'rotate the file at this size (`50MB`, `512KB`, bytes; 0 never)',
  }),
  programKey('stdout_backups', 'stdoutBackups', { aliases: ['stdout_logfile_backups'], reload: 'spawn', default: defaultBackups, parse: backups, shown: '10', doc: 'rotated files kept' }),
  programKey('stderr_maxbytes', 'stderrMaxBytes', { aliases: ['stderr_logfile_maxbytes'], reload: 'spawn', default: defaultMaxBytes, parse: scalar(parseSize), shown: '50MB', doc: 'the same for stderr' }),
  programKey('stderr_backups', 'stderrBackups', { aliases: ['stderr_logfile_backups'], reload: 'spawn', default: defaultBackups, parse: backups, shown: '10', doc: 'the same for stderr' }),
  programKey('tty', 'tty', {
    reload: 'spawn', default: false, parse: scalar(parseBoolean), shown: 'false',
    doc: 'run it under a pseudo-terminal instead of pipes (REPLs, `top`, prompts, colour); stdout and stderr are the one terminal, logged to `stdout`; `fg` attaches to it (see "Attaching to a terminal")',
  }),
  programKey('log_timestamps', 'logTimestamps', { reload: 'spawn', default: false, parse: scalar(parseBoolean), shown: 'false', doc: 'prefix each output line with a timestamp' }),
  programKey('logfile_mode', 'logFileMode', {
    reload: 'spawn', default: defaultLogFileMode, parse: fromNode(parseFileMode), shown: '0600',
    doc: 'octal permissions of its output files (the owner must be able to write); see "Files taskmaster writes"',
  }),
  programKey('env', 'env', {
    aliases: ['environment'], reload: 'spawn', default: {}, parse: parseEnv, shown: 'none',
    doc: 'variables merged over the supervisor\'s environment (a mapping, or supervisord\'s `A="1",B=2`)',
  }),
  programKey('user', 'user', {
    reload: 'spawn', default: null, shown: "the supervisor's",
    parse: scalar((raw) => ((typeof raw === 'string' || typeof raw === 'number') && String(raw) !== '' ? ok(String(raw)) : bad('expected a user name or uid'))),
    doc: 'run as this user, as a login would: its uid, gid and supplementary groups, with `HOME`, `USER` and `LOGNAME` set (taskmaster must run as root; see "Privilege drop")',
  }),
  programKey('priority', 'priority', {
    reload: 'supervision', default: 999, parse: scalar((raw) => parseWholeNumber(raw, -configLimits.maxPriority, configLimits.maxPriority)), shown: '999',
    doc: 'start order, lower first; stop order is reversed',
  }),
  programKey('stopasgroup', 'stopAsGroup', { reload: 'supervision', default: true, parse: scalar(parseBoolean), shown: 'true', doc: 'send the stop signal to the whole process group' }),
  programKey('killasgroup', 'killAsGroup', {
    reload: 'supervision', default: true, parse: scalar(parseBoolean), shown: 'true',
    doc: 'SIGKILL the whole group after `stoptime`, and kill what a dead process left in its group',
  }),
  ...featureKeys,
];

/** Each key and each alias to its row. */
export const programKeyByName: ReadonlyMap<string, ProgramKey> = new Map(programKeys.flatMap((row) => [row.key, ...row.aliases].map((name) => [name, row] as const)));
