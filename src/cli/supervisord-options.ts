import { chmodSync, chownSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SupervisorConfig } from '../config/types.js';
import { lookupUser } from '../engine/user-lookup.js';

export { applyMinFds } from './min-fds.js';

/** supervisord's options that set a value of its [supervisord] section, by the key they set. */
const sectionOptions = {
  user: { short: 'u', key: 'user' },
  umask: { short: 'm', key: 'umask' },
  directory: { short: 'd', key: 'directory' },
  logfile_maxbytes: { short: 'y', key: 'logfile_maxbytes' },
  logfile_backups: { short: 'z', key: 'logfile_backups' },
  loglevel: { short: 'e', key: 'loglevel' },
  pidfile: { short: 'j', key: 'pidfile' },
  identifier: { short: 'i', key: 'identifier' },
  childlogdir: { short: 'q', key: 'childlogdir' },
  minfds: { short: 'a', key: 'minfds' },
  minprocs: { short: undefined, key: 'minprocs' },
} as const;
const sectionFlags = { nocleanup: 'k', strip_ansi: 't', nodaemon: 'n', silent: 's' } as const;

export interface SupervisordArgs {
  readonly config: string;
  readonly logfile: string | undefined;
  readonly socket: string | undefined;
  readonly check: boolean;
  readonly noShell: boolean;
  readonly subreaper: boolean;
  readonly nodaemon: boolean;
  readonly silent: boolean;
  readonly help: boolean;
  readonly version: boolean;
  /** Values for the [supervisord] section, as the flags set them. */
  readonly section: Record<string, string>;
}

/** Parses supervisord's command line, with taskmaster's long options beside it. */
export function parseSupervisordArgs(argv: readonly string[]): SupervisordArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    configuration: { type: 'string', short: 'c' },
    config: { type: 'string' },
    logfile: { type: 'string', short: 'l' },
    socket: { type: 'string' },
    check: { type: 'boolean' },
    'no-shell': { type: 'boolean' },
    subreaper: { type: 'boolean' },
    daemon: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
  };
  for (const [name, { short }] of Object.entries(sectionOptions)) options[name] = short ? { type: 'string', short } : { type: 'string' };
  for (const [name, short] of Object.entries(sectionFlags)) options[name] = { type: 'boolean', short };
  const { values } = parseArgs({ args: [...argv], options, strict: true });
  const text = (name: string): string | undefined => values[name] as string | undefined;
  const flag = (name: string): boolean => values[name] === true;
  const section: Record<string, string> = {};
  for (const [name, { key }] of Object.entries(sectionOptions)) if (text(name) !== undefined) section[key] = text(name)!;
  for (const name of ['nocleanup', 'strip_ansi', 'nodaemon'] as const) if (flag(name)) section[name] = 'true';
  return {
    config: text('configuration') ?? text('config')!,
    logfile: text('logfile'),
    socket: text('socket'),
    check: flag('check'),
    noShell: flag('no-shell'),
    subreaper: flag('subreaper'),
    nodaemon: flag('nodaemon'),
    silent: flag('silent'),
    help: flag('help'),
    version: flag('version'),
    section,
  };
}

/** The arguments of the background copy: the same, made unambiguous, and told not to detach again. */
export function daemonChildArgs(argv: readonly string[]): string[] {
  return [...argv.map((arg) => (arg === '-d' ? '--directory' : arg === '--daemon' ? '--nodaemon' : arg)), '--nodaemon'];
}

/**
 * What supervisord does with its own settings before it serves: its umask, and its user
 * when started as root (supervisord refuses to switch user otherwise). Returns an error message.
 */
export function applyProcessSettings(config: SupervisorConfig): string | undefined {
  const settings = config.supervisord;
  if (!settings) return undefined;
  process.umask(settings.umask);
  if (settings.user === null) return undefined;
  const user = lookupUser(settings.user);
  if (!user) return `Can't find user ${JSON.stringify(settings.user)} (user= in [supervisord] or -u)`;
  if (process.getuid?.() === user.uid) return undefined;
  if (process.getuid?.() !== 0) return "Can't drop privilege as nonroot user";
  (process as { initgroups?: (user: string, group: number) => void }).initgroups?.(user.name, user.gid);
  process.setgid?.(user.gid);
  process.setuid?.(user.uid);
  return undefined;
}

/** `[unix_http_server] chmod=` and `chown=user:group` on the control socket. */
export function applySocketSettings(config: SupervisorConfig): void {
  const server = config.supervisord?.unixServer;
  if (!server) return;
  chmodSync(config.socket, server.chmod);
  if (server.chown === null) return;
  const [userName, groupName] = server.chown.split(':');
  const user = lookupUser(userName ?? '');
  if (!user) throw new Error(`Invalid user:group definition ${server.chown}`);
  const group = groupName === undefined ? -1 : Number.isInteger(Number(groupName)) ? Number(groupName) : groupId(groupName);
  chownSync(config.socket, user.uid, group);
}

function groupId(name: string): number {
  for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
    const [group, , gid] = line.split(':');
    if (group === name && gid !== undefined) return Number(gid);
  }
  throw new Error(`Invalid group ${name}`);
}
