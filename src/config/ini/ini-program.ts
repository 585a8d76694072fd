import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Node } from 'yaml';
import { formatByteSize } from '../byte-size.js';
import { programKeyByName } from '../program-keys.js';
import { iniEnvironment } from './ini-environment.js';
import type { Expansions } from './ini-expand.js';
import type { NodeMaker, SectionReader } from './ini-section-reader.js';
import { iniAutorestart, iniBoolean, iniByteSize, iniExitCodes, iniInteger, iniList, iniName, iniOctal, type IniParsed } from './ini-values.js';

/** What every program section may use beyond its own names. */
export interface ProgramContext {
  readonly make: NodeMaker;
  readonly names: Expansions;
  readonly childLogDir: string;
  readonly identifier: string;
  /** `[supervisord] environment=`, under each program's own. */
  readonly globalEnv: Readonly<Record<string, string>>;
  readonly serverUrl: string | null;
  readonly cwd: string;
  /** Makes AUTO log names differ between configs, as supervisord's random ones do. */
  readonly configFile: string;
}

/** The group a section's processes join: a `[group:x]` naming it, else the section's own name. */
export interface SectionGroup {
  readonly name: string;
  /** Where the group was named: the `[group:x]` programs= value, or the section. */
  readonly at: number;
  /** `[group:x] priority=`: the default of members that set none. */
  readonly priority: { readonly value: number; readonly at: number } | null;
}

/** One YAML program made from a section: its name and its mapping. */
export interface MadeProgram {
  readonly name: string;
  readonly at: number;
  readonly node: Node;
}

const expandUser = (path: string): string => path.replace(/^~(?=\/|$)/, homedir());
const nonNegative = (parse: (text: string) => IniParsed<number>) => (text: string): IniParsed<number> => {
  const parsed = parse(text);
  return parsed.ok && parsed.value < 0 ? { ok: false, expected: 'expected a whole number >= 0' } : parsed;
};
const wholeNumber = nonNegative(iniInteger);

/** supervisord's AUTO log name is random (mktemp); ours is stable, so a reload does not see a changed file. */
function autoLogName(context: ProgramContext, processName: string, stream: string): string {
  const digest = createHash('sha256').update(`${context.configFile}\0${processName}\0${stream}`).digest('base64url').toLowerCase().replace(/-/g, '_').slice(0, 8);
  return join(context.childLogDir, `${processName}-${stream}---${context.identifier}-${digest}.log`);
}

type Entry = readonly [string, Node];

/** Where supervisord's users send output to the terminal or the container's log. */
export const terminalPaths = /^(\/dev\/(stdout|stderr|fd\/[12])|\/proc\/self\/fd\/[12])$/;

/** The keys of one process, as supervisord reads them; `collapsed` is how many processes one YAML program stands for. */
function programEntries(reader: SectionReader, names: Expansions, processName: string, collapsed: number, context: ProgramContext, listener: boolean, group: SectionGroup | null): Entry[] {
  const { make } = context;
  const entries: Entry[] = [];
  const put = (key: string, value: string | number | boolean, at: number): void => void entries.push([key, make.scalar(value, at)]);
  const typed = <T>(key: string, parse: (text: string) => IniParsed<T>) => reader.typed(key, names, parse);
  const command = reader.text('command', names);
  if (!command) {
    if (!reader.raw('command')) reader.error(reader.offset, '', `program section [${reader.section.name}] does not specify a command`);
  } else put('cmd', command.value, command.at);
  if (collapsed > 1) put('numprocs', collapsed, reader.offset);
  const priority = typed('priority', iniInteger) ?? group?.priority;
  if (priority) put('priority', priority.value, priority.at);
  const autostart = typed('autostart', iniBoolean);
  if (autostart) put('autostart', autostart.value, autostart.at);
  const redirect = typed('redirect_stderr', iniBoolean);
  if (redirect) put('redirect_stderr', redirect.value, redirect.at);
  const autorestart = typed('autorestart', iniAutorestart);
  if (autorestart) put('autorestart', autorestart.value, autorestart.at);
  const startsecs = typed('startsecs', wholeNumber);
  if (startsecs) put('starttime', startsecs.value, startsecs.at);
  const startretries = typed('startretries', wholeNumber);
  if (startretries) put('startretries', startretries.value, startretries.at);
  const exitcodes = typed('exitcodes', iniExitCodes);
  if (exitcodes) entries.push(['exitcodes', make.seq(exitcodes.value, exitcodes.at)]);
  const stopsignal = reader.text('stopsignal', names);
  if (stopsignal) put('stopsignal', stopsignal.value.trim(), stopsignal.at);
  const stopwaitsecs = typed('stopwaitsecs', wholeNumber);
  if (stopwaitsecs) put('stoptime', stopwaitsecs.value, stopwaitsecs.at);
  // supervisord's defaults: neither signal goes to the group, and killasgroup follows stopasgroup.
  const stopasgroup = typed('stopasgroup', iniBoolean) ?? { value: false, at: reader.offset };
  const killasgroup = typed('killasgroup', iniBoolean) ?? { value: stopasgroup.value, at: stopasgroup.at };
  if (stopasgroup.value && !killasgroup.value) reader.error(killasgroup.at, 'killasgroup', 'Cannot set stopasgroup=true and killasgroup=false');
  put('stopasgroup', stopasgroup.value, stopasgroup.at);
  put('killasgroup', killasgroup.value, killasgroup.at);
  const user = reader.text('user', names);
  if (user) put('user', user.value, user.at);
  const directory = reader.text('directory', names);
  if (directory) put('workingdir', resolve(context.cwd, expandUser(directory.value)), directory.at);
  const umask = typed('umask', iniOctal);
  if (umask) put('umask', umask.value.toString(8).padStart(3, '0'), umask.at);
  const redirected = redirect?.value === true;
  for (const stream of ['stdout', 'stderr'] as const) {
    // A listener's stdout is its protocol channel, which the listener support owns; supervisord logs none of it.
    if (stream === 'stdout' && listener) continue;
    if (!(stream === 'stderr' && redirected)) entries.push(...outputEntries(reader, names, processName, collapsed, context, stream));
    else if (reader.raw('stderr_logfile') && !/^(auto|none)$/i.test(reader.raw('stderr_logfile')!.value.trim())) {
      reader.warn(reader.raw('stderr_logfile')!.valueStart, 'stderr_logfile', 'redirect_stderr=true but stderr_logfile has also been set to a filename, the filename has been ignored');
    }
  }
  entries.push(['logfile_mode', make.scalar('0644', reader.offset)]);
  entries.push(['crash_loop', make.scalar(false, reader.offset)]);
  const env = environmentEntry(reader, names, processName, collapsed, context);
  if (env) entries.push(env);
  return entries;
}

function outputEntries(reader: SectionReader, names: Expansions, processName: string, collapsed: number, context: ProgramContext, stream: 'stdout' | 'stderr'): Entry[] {
  const { make } = context;
  const entries: Entry[] = [];
  const logfile = reader.text(`${stream}_logfile`, names);
  const maxbytes = reader.typed(`${stream}_logfile_maxbytes`, names, iniByteSize);
  const written = logfile?.value.trim() ?? 'AUTO';
  const at = logfile?.at ?? reader.offset;
  const syslog = reader.typed(`${stream}_syslog`, names, iniBoolean);
  if (syslog?.value || /^syslog$/i.test(written)) reader.warn(syslog?.at ?? at, `${stream}_syslog`, 'syslog output is not supported; the output goes to the log file only');
  if (/^auto$/i.test(written)) {
    const target = collapsed > 1 ? 'auto' : autoLogName(context, processName, stream);
    entries.push([stream, make.scalar(target, at)]);
    if (maxbytes?.value === 0) reader.warn(maxbytes.at, `${stream}_logfile_maxbytes`, `AUTO logging used for ${stream}_logfile without rollover, set maxbytes > 0 to avoid filling up filesystem unintentionally`);
  } else if (/^(none|syslog)$/i.test(written)) {
    entries.push([stream, make.scalar('discard', at)]);
  } else if (terminalPaths.test(written)) {
    // The container idiom stdout_logfile=/dev/stdout: taskmaster writes through no symlink, so its own stdout, prefixed.
    entries.push([stream, make.scalar('inherit', at)]);
    reader.warn(at, `${stream}_logfile`, `${written} is taskmaster's own stdout (inherit): each line is prefixed with the process name`);
  } else {
    entries.push([stream, make.scalar(resolve(context.cwd, expandUser(written)), at)]);
  }
  if (maxbytes) entries.push([`${stream}_maxbytes`, make.scalar(formatByteSize(maxbytes.value) || '0', maxbytes.at)]);
  const backups = reader.typed(`${stream}_logfile_backups`, names, wholeNumber);
  if (backups) entries.push([`${stream}_backups`, make.scalar(backups.value, backups.at)]);
  const capture = reader.typed(`${stream}_capture_maxbytes`, names, iniByteSize);
  if (capture) entries.push([`${stream}_capture_maxbytes`, make.scalar(capture.value, capture.at)]);
  const events = reader.typed(`${stream}_events_enabled`, names, iniBoolean);
  if (events?.value) {
    // stdout_events / stderr_events come with event listener support (issue 12, event listeners).
    if (programKeyByName.has(`${stream}_events`)) entries.push([`${stream}_events`, make.scalar(true, events.at)]);
    else reader.warn(events.at, `${stream}_events_enabled`, 'PROCESS_LOG events are not supported by this build; ignored');
  }
  return entries;
}

/** supervisord's environment: its own variables, `[supervisord] environment=`, then the program's. */
function environmentEntry(reader: SectionReader, names: Expansions, processName: string, collapsed: number, context: ProgramContext): Entry | undefined {
  const own = reader.typed('environment', names, iniEnvironment);
  const serverurl = reader.text('serverurl', names);
  const serverUrl = serverurl && serverurl.value.trim().toUpperCase() !== 'AUTO' ? serverurl.value.trim() : context.serverUrl;
  const env: Record<string, string> = {
    SUPERVISOR_ENABLED: '1',
    ...(collapsed > 1 ? {} : { SUPERVISOR_PROCESS_NAME: processName }),
    SUPERVISOR_GROUP_NAME: String(names.get('group_name')),
    ...(serverUrl ? { SUPERVISOR_SERVER_URL: serverUrl } : {}),
    ...context.globalEnv,
    ...own?.value,
  };
  const at = own?.at ?? reader.offset;
  return ['env', context.make.map(Object.entries(env).map(([key, value]) => [key, context.make.scalar(value, at)] as const), at)];
}

/** The `listener:` mapping of an `[eventlistener:x]`; undefined when this build has no listener key. */
function listenerEntry(reader: SectionReader, names: Expansions, context: ProgramContext): Entry | undefined {
  const events = reader.text('events', names);
  const bufferSize = reader.typed('buffer_size', names, wholeNumber);
  const handler = reader.text('result_handler', names);
  if (handler && handler.value.trim() !== 'supervisor.dispatchers:default_handler') reader.warn(handler.at, 'result_handler', 'only the default result handler is supported; ignored');
  if (!events) reader.error(reader.offset, '', `[${reader.section.name}] section requires an "events" line`);
  if (!programKeyByName.has('listener')) return undefined;
  const inner: (readonly [string, Node])[] = [['events', context.make.seq(events ? iniList(events.value) : [], events?.at ?? reader.offset)]];
  if (bufferSize) inner.push(['buffer_size', context.make.scalar(bufferSize.value, bufferSize.at)]);
  return ['listener', context.make.map(inner, reader.offset)];
}

/** What a process's keys say apart from its name, to tell whether processes may share one program. */
function fingerprint(entries: readonly Entry[], processName: string): string {
  return JSON.stringify(
    entries.map(([key, node]) => {
      const value = node.toJSON() as unknown;
      if (key === 'env') return [key, { ...(value as Record<string, string>), SUPERVISOR_PROCESS_NAME: '' }];
      if ((key === 'stdout' || key === 'stderr') && typeof value === 'string' && value.includes(`/${processName}-${key}---`)) return [key, 'AUTO'];
      return [key, value];
    }),
  );
}

/**
 * A `[program:x]` or `[eventlistener:x]` section as YAML programs. Its processes become one
 * program with `numprocs` when they differ only by name and the names are taskmaster's
 * (`x_00`, `x_01` ...); otherwise one program per process, named by `process_name`, each with
 * `group: x` (or the `[group:...]` naming the section), so they are `x:name` as in supervisord.
 */
export function programsOfSection(reader: SectionReader, programName: string, group: SectionGroup | null, context: ProgramContext, listener: boolean): MadeProgram[] {
  const groupName = group?.name ?? programName;
  const base = new Map<string, string | number>([...context.names, ['program_name', programName], ['group_name', groupName]]);
  const numprocsRead = reader.typed('numprocs', base, iniInteger);
  const numprocs = numprocsRead?.value ?? 1;
  if (numprocs < 1) reader.error(numprocsRead!.at, 'numprocs', 'expected a whole number >= 1');
  const start = reader.typed('numprocs_start', base, wholeNumber)?.value ?? 0;
  const processNameRaw = reader.raw('process_name');
  const processNameText = processNameRaw?.value ?? '%(program_name)s';
  if (numprocs > 1 && !processNameText.includes('%(process_num)')) {
    reader.error(processNameRaw?.valueStart ?? reader.offset, 'process_name', '%(process_num) must be present within process_name when numprocs > 1');
    return [];
  }
  const made: { name: string; entries: Entry[]; fingerprint: string }[] = [];
  for (let processNum = start; processNum < start + Math.max(numprocs, 1); processNum += 1) {
    const names = new Map<string, string | number>([...base, ['process_num', processNum], ['numprocs', numprocs]]);
    // Only for the ENV_ names here: programEntries reads it again and says what is wrong with it.
    reader.quiet = true;
    const own = reader.typed('environment', names, iniEnvironment);
    reader.quiet = processNum !== start;
    for (const [key, value] of Object.entries({ ...context.globalEnv, ...own?.value })) names.set(`ENV_${key}`, value);
    const processName = reader.typed('process_name', names, iniName)?.value ?? programName;
    made.push({ name: processName, entries: [], fingerprint: '' });
    const entry = made[made.length - 1]!;
    entry.entries = programEntries(reader, names, processName, 1, context, listener, group);
    const listenerPart = listener ? listenerEntry(reader, names, context) : undefined;
    if (listenerPart) entry.entries.push(listenerPart);
    entry.fingerprint = fingerprint(entry.entries, processName);
  }
  reader.quiet = false;
  if (listener && !programKeyByName.has('listener')) {
    reader.warn(reader.offset, '', 'event listeners are not supported by this build; the section is skipped');
    return [];
  }
  // Its processes are `group:name`: the YAML program takes the process's name and the group its own key.
  const grouped = (name: string, entries: Entry[]): MadeProgram => {
    if (groupName !== name || group) entries.push(['group', context.make.scalar(groupName, group?.at ?? reader.offset)]);
    return { name, at: reader.offset, node: context.make.map(entries, reader.offset) };
  };
  const taskmasterNames = made.every((entry, index) => entry.name === `${programName}_${String(index).padStart(2, '0')}`);
  const alike = made.every((entry) => entry.fingerprint === made[0]!.fingerprint);
  if (made.length > 1 && taskmasterNames && alike) {
    const names = new Map<string, string | number>([...base, ['process_num', start], ['numprocs', numprocs]]);
    reader.quiet = true;
    const entries = programEntries(reader, names, programName, made.length, context, listener, group);
    const listenerPart = listener ? listenerEntry(reader, names, context) : undefined;
    if (listenerPart) entries.push(listenerPart);
    reader.quiet = false;
    return [grouped(programName, entries)];
  }
  return made.map((entry) => grouped(entry.name, entry.entries));
}
