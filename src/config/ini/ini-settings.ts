import { homedir, tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type { Node } from 'yaml';
import { formatByteSize } from '../byte-size.js';
import type { SupervisordConfig } from '../types.js';
import { iniEnvironment } from './ini-environment.js';
import { terminalPaths } from './ini-program.js';
import type { Expansions } from './ini-expand.js';
import type { NodeMaker, SectionReader } from './ini-section-reader.js';
import { iniBoolean, iniByteSize, iniInetAddress, iniInteger, iniLogLevel, iniOctal } from './ini-values.js';

type Entry = readonly [string, Node];
type Settings = Omit<SupervisordConfig, 'unixServer' | 'supervisorctl' | 'groups' | 'warnings'>;

const expandUser = (path: string): string => path.replace(/^~(?=\/|$)/, homedir());

/** `[supervisord]`: top-level YAML keys, and what has none (pidfile, nodaemon ...) for the supervisord settings. */
export function readSupervisordSection(reader: SectionReader, names: Expansions, make: NodeMaker, cwd: string): { entries: Entry[]; settings: Settings; env: Record<string, string> } {
  const path = (key: string, fallback: string): { value: string; at: number } => {
    const read = reader.text(key, names);
    return read ? { value: resolve(cwd, expandUser(read.value.trim())), at: read.at } : { value: resolve(cwd, fallback), at: reader.offset };
  };
  const flag = (key: string): boolean => reader.typed(key, names, iniBoolean)?.value ?? false;
  const written = path('logfile', 'supervisord.log');
  // logfile=/dev/stdout (with logfile_maxbytes=0) is how containers run supervisord; taskmaster writes through no symlink.
  const logfile = terminalPaths.test(written.value) ? { value: '/dev/null', at: written.at } : written;
  if (logfile !== written) reader.warn(written.at, 'logfile', `${written.value}: the event log is written to taskmaster's stderr in the foreground, and to no file`);
  const childlogdir = path('childlogdir', tmpdir());
  const entries: Entry[] = [['logfile', make.scalar(logfile.value, logfile.at)], ['logdir', make.scalar(childlogdir.value, childlogdir.at)]];
  const level = reader.typed('loglevel', names, iniLogLevel);
  if (level) entries.push(['log_level', make.scalar(level.value, level.at)]);
  const maxbytes = reader.typed('logfile_maxbytes', names, iniByteSize);
  if (maxbytes) entries.push(['logfile_maxbytes', make.scalar(formatByteSize(maxbytes.value) || '0', maxbytes.at)]);
  const backups = reader.typed('logfile_backups', names, iniInteger);
  if (backups) entries.push(['logfile_backups', make.scalar(backups.value, backups.at)]);
  entries.push(['logfile_mode', make.scalar('0644', reader.offset)]);
  const env = reader.typed('environment', names, iniEnvironment)?.value ?? {};
  const directory = reader.text('directory', names);
  const user = reader.text('user', names);
  const identifier = reader.text('identifier', names);
  const settings: Settings = {
    pidFile: path('pidfile', 'supervisord.pid').value,
    identifier: identifier?.value.trim() || 'supervisor',
    nodaemon: flag('nodaemon'),
    minfds: reader.typed('minfds', names, iniInteger)?.value ?? 1024,
    minprocs: reader.typed('minprocs', names, iniInteger)?.value ?? 200,
    umask: reader.typed('umask', names, iniOctal)?.value ?? 0o022,
    user: user ? user.value.trim() : null,
    directory: directory ? resolve(cwd, expandUser(directory.value.trim())) : null,
    childLogDir: childlogdir.value,
    nocleanup: flag('nocleanup'),
    stripAnsi: flag('strip_ansi'),
  };
  if (flag('silent')) reader.warn(reader.offset, 'silent', 'silent is not supported: taskmaster in the foreground logs to stderr');
  return { entries, settings, env };
}

/** `[unix_http_server]`: the control socket, and its mode, owner and credentials. */
export function readUnixServer(reader: SectionReader, names: Expansions, make: NodeMaker, cwd: string): { entry: Entry | undefined; server: SupervisordConfig['unixServer'] } {
  const file = reader.text('file', names);
  if (!file) reader.error(reader.offset, '', `section [${reader.section.name}] has no file value`);
  const chown = reader.text('chown', names);
  const credentials = readCredentials(reader, names);
  const server = { chmod: reader.typed('chmod', names, iniOctal)?.value ?? 0o700, chown: chown ? chown.value.trim() : null, ...credentials };
  return { entry: file ? ['socket', make.scalar(resolve(cwd, expandUser(file.value.trim())), file.at)] : undefined, server };
}

function readCredentials(reader: SectionReader, names: Expansions): { username: string | null; password: string | null } {
  const username = reader.text('username', names);
  const password = reader.text('password', names);
  if ((username === undefined) !== (password === undefined)) {
    reader.error((username ?? password)!.at, username ? 'password' : 'username', `Section [${reader.section.name}] contains incomplete authentication: If a username or a password is specified, both the username and password must be specified`);
  }
  return { username: username?.value ?? null, password: password?.value ?? null };
}

/** `[inet_http_server]`: our TCP listener; `{SHA}` passwords are kept as written (the listener checks them). */
export function readInetServer(reader: SectionReader, names: Expansions, make: NodeMaker): Entry | undefined {
  const port = reader.typed('port', names, iniInetAddress);
  if (!port) {
    if (!reader.raw('port')) reader.error(reader.offset, '', `section [${reader.section.name}] has no port value`);
    return undefined;
  }
  const { username, password } = readCredentials(reader, names);
  const host = port.value.host.includes(':') ? `[${port.value.host}]` : port.value.host;
  const inner: Entry[] = [['listen', make.scalar(`${host}:${port.value.port}`, port.at)]];
  if (username !== null && password !== null) {
    inner.push(['username', make.scalar(username, reader.raw('username')!.valueStart)], ['password', make.scalar(password, reader.raw('password')!.valueStart)]);
  } else {
    // supervisord serves without auth (with a warning); taskmaster allows that on loopback only.
    inner.push(['unsafe_no_auth', make.scalar(true, port.at)]);
    reader.warn(port.at, 'port', 'running without any HTTP authentication checking');
  }
  return ['http', make.map(inner, reader.offset)];
}

export function readSupervisorctl(reader: SectionReader, names: Expansions): SupervisordConfig['supervisorctl'] {
  const text = (key: string): string | null => reader.text(key, names)?.value ?? null;
  const result = { serverUrl: text('serverurl'), username: text('username'), password: text('password'), prompt: text('prompt') ?? 'supervisor' };
  reader.raw('history_file');
  return result;
}
