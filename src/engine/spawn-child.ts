import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { ProgramConfig } from '../config/types.js';
import { execAs, type ExecAs } from './privilege-drop.js';
import { lookupUser, type UserEntry } from './user-lookup.js';

export interface SpawnRequest {
  readonly program: ProgramConfig;
  readonly processName: string;
  readonly configDir: string;
  /** The port given to the process as PORT and in place of `{port}` in its command. */
  readonly port: number | null;
  /** The supervisor's socket, given to the child so that taskmasterctl run by it finds its supervisor. */
  readonly supervisorSocket: string;
  /** Listening sockets the child gets as fds 3, 4, ... (systemd's socket activation). */
  readonly sockets: readonly InheritedSocket[];
  /** The NOTIFY_SOCKET of a `ready: notify` child, when not the one beside the supervisor's socket (a user: program's). */
  readonly notifySocket: string | null;
}

/** A listening socket the supervisor holds open, and its name in LISTEN_FDNAMES. */
export interface InheritedSocket {
  readonly fd: number;
  readonly name: string;
}

/** systemd's sd_listen_fds variables: a child without sockets must not take its parent's for its own. */
const listenVariables = ['LISTEN_FDS', 'LISTEN_FDNAMES', 'LISTEN_PID'] as const;
/**
 * Sets LISTEN_PID to the pid that then execs the command: spawn cannot know a child's pid
 * before it runs, and sd_listen_fds ignores sockets whose LISTEN_PID is not its own.
 */
const listenPidWrapper = ['/bin/sh', '-c', 'LISTEN_PID=$$; export LISTEN_PID; exec "$0" "$@"'] as const;

/** The environment and the command line of a child given `sockets`: the wrapper goes last, right before the command. */
function withSockets(env: Record<string, string | undefined>, sockets: readonly InheritedSocket[], program: ProgramConfig, file: string, args: readonly string[]): { file: string; args: readonly string[] } {
  for (const variable of listenVariables) if (!(variable in program.env)) delete env[variable];
  if (sockets.length === 0) return { file, args };
  env['LISTEN_FDS'] = String(sockets.length);
  env['LISTEN_FDNAMES'] = sockets.map((socket) => socket.name).join(':');
  const [shell, ...shellArgs] = listenPidWrapper;
  return { file: shell, args: [...shellArgs, file, ...args] };
}

/** Tells a child's own taskmasterctl where its supervisor listens; leftovers are found by the record, not by it. */
const supervisorSocketVariable = 'TASKMASTER_SOCKET';

/** Where a supervisor receives its programs' sd_notify messages: beside its control socket, one per supervisor. */
export function notifySocketPath(supervisorSocket: string): string {
  return `${supervisorSocket}.notify`;
}

/** Ours merged with the program's, computed once per program config (configs are frozen). */
const baseEnvironments = new WeakMap<ProgramConfig, Readonly<Record<string, string | undefined>>>();
let sharedBase: Readonly<Record<string, string | undefined>> | undefined;

/** The child's environment: ours, the program's, and what taskmaster tells every child. */
export function childEnvironment(program: ProgramConfig, processName: string, port: number | null): Record<string, string | undefined> {
  let base = baseEnvironments.get(program);
  if (!base) {
    // Programs without an env of their own share one copy of ours.
    sharedBase ??= { ...process.env };
    base = Object.keys(program.env).length === 0 ? sharedBase : { ...process.env, ...program.env };
    baseEnvironments.set(program, base);
  }
  return {
    ...base,
    TASKMASTER_PROCESS_NAME: processName,
    TASKMASTER_GROUP: program.group,
    ...(port === null ? {} : { PORT: String(port) }),
  };
}

/** A warning is something the event log should say once (a missing setpriv). */
export type SpawnResult = { ok: true; child: ChildProcess; warning: string | null } | SpawnFailure;
export interface SpawnFailure {
  readonly ok: false;
  readonly reason: string;
  readonly transient: boolean;
}

/** Everything a spawn strategy (pipes or a terminal) needs, checked before anything is forked. */
export interface LaunchPlan {
  readonly file: string;
  readonly args: readonly string[];
  /** The command as the config names it, for argv[0] when no setpriv stands in front. */
  readonly argv0: string | null;
  readonly cwd: string | undefined;
  readonly env: Record<string, string | undefined>;
  readonly uid: number | undefined;
  readonly gid: number | undefined;
  readonly umask: number | null;
  readonly warning: string | null;
}

/** Errors that say the supervisor ran short (descriptors, processes, memory), not that the program is wrong. */
/** Why an asynchronous spawn error failed the start, and whether it is the supervisor's own shortage. */
export function spawnFailure(command: string, error: NodeJS.ErrnoException): { reason: string; transient: boolean } {
  const transient = isResourceShortage(error.code);
  const reason = transient ? `couldn't spawn ${command}: taskmaster ran out of ${error.code === 'EAGAIN' ? 'processes' : 'file descriptors'} (${error.code})` : `couldn't exec ${command}: ${error.code ?? error.message}`;
  return { reason, transient };
}

export function isResourceShortage(code: string | undefined): boolean {
  return code === 'EMFILE' || code === 'ENFILE' || code === 'EAGAIN' || code === 'ENOMEM';
}

function isExecutableFile(path: string): 'ok' | 'missing' | 'not-executable' {
  try {
    if (!statSync(path).isFile()) return 'not-executable';
    accessSync(path, constants.X_OK);
    return 'ok';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'not-executable';
  }
}

/** Finds the program to exec as supervisord does, so a bad command is a clear spawn error. */
function resolveCommand(command: string, pathVariable: string, baseDir: string): { path: string } | { reason: string } {
  if (command.includes('/')) {
    const path = isAbsolute(command) ? command : resolve(baseDir, command);
    const status = isExecutableFile(path);
    if (status === 'missing') return { reason: `can't find command '${command}'` };
    if (status === 'not-executable') return { reason: `command at '${path}' is not executable` };
    return { path };
  }
  let notExecutable: string | undefined;
  for (const folder of pathVariable.split(delimiter)) {
    if (folder === '') continue;
    const path = join(folder, command);
    const status = isExecutableFile(path);
    if (status === 'ok') return { path };
    if (status === 'not-executable') notExecutable ??= path;
  }
  if (notExecutable) return { reason: `command at '${notExecutable}' is not executable` };
  return { reason: `can't find command '${command}'` };
}

/** Resolves the command, user, directory and environment of one spawn, or says why it cannot happen. */
export function planLaunch(request: SpawnRequest): LaunchPlan | SpawnFailure {
  const { program, processName } = request;
  const env = childEnvironment(program, processName, request.port);
  env[supervisorSocketVariable] = request.supervisorSocket;
  // An event listener finds its supervisor as supervisord's do (childutils.getRPCInterface: memmon, httpok); an INI config sets these itself.
  if (program.listener !== null) {
    env['SUPERVISOR_ENABLED'] ??= '1';
    env['SUPERVISOR_SERVER_URL'] ??= `unix://${request.supervisorSocket}`;
    env['SUPERVISOR_PROCESS_NAME'] ??= processName;
    env['SUPERVISOR_GROUP_NAME'] ??= program.group;
  }
  // Only a `ready: notify` program is told where to notify; others keep what taskmaster itself was given.
  if (program.ready?.probe.kind === 'notify') env['NOTIFY_SOCKET'] = request.notifySocket ?? notifySocketPath(request.supervisorSocket);
  else if (!('NOTIFY_SOCKET' in program.env)) delete env['NOTIFY_SOCKET'];
  let user: UserEntry | undefined;
  if (program.user !== null) {
    try {
      user = lookupUser(program.user);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { ok: false, transient: isResourceShortage(code), reason: `couldn't setuid to ${program.user}: cannot read /etc/passwd (${code ?? (error as Error).message})` };
    }
    if (!user) return { ok: false, transient: false, reason: `couldn't setuid to ${program.user}: no such user` };
    if (process.getuid?.() !== 0 && process.getuid?.() !== user.uid) {
      return { ok: false, transient: false, reason: `couldn't setuid to ${program.user}: taskmaster is not running as root` };
    }
    env['HOME'] = user.home;
    env['USER'] = user.name;
    env['LOGNAME'] = user.name;
  }
  const cwd = program.workingDir ?? undefined;
  if (cwd !== undefined) {
    try {
      if (!statSync(cwd).isDirectory()) return { ok: false, transient: false, reason: `couldn't chdir to ${cwd}: ENOTDIR` };
    } catch (error) {
      return { ok: false, transient: false, reason: `couldn't chdir to ${cwd}: ${(error as NodeJS.ErrnoException).code ?? 'error'}` };
    }
  }
  const argv = request.port === null ? program.argv : program.argv.map((word) => word.replaceAll('{port}', String(request.port)));
  const [command, ...args] = argv;
  const resolved = resolveCommand(command ?? '', env['PATH'] ?? '', cwd ?? request.configDir);
  if ('reason' in resolved) return { ok: false, transient: false, reason: resolved.reason };

  const launched = withSockets(env, request.sockets, program, resolved.path, args);
  const exec: ExecAs = user === undefined ? { ...launched, warning: null } : execAs(user, launched.file, launched.args);
  return {
    file: exec.file,
    args: exec.args,
    // Through setpriv (or the sockets' wrapper) the command's argv[0] is its resolved path.
    argv0: exec.file === resolved.path ? (command ?? null) : null,
    cwd,
    env,
    uid: exec.uid,
    gid: exec.gid,
    umask: program.umask,
    warning: exec.warning,
  };
}

/** Runs a synchronous fork under the program's umask: Node has no per-child umask, so ours is set and restored at once. */
export function withUmask<T>(umask: number | null, fork: () => T): T {
  const previousUmask = umask === null ? null : process.umask(umask);
  try {
    return fork();
  } finally {
    if (previousUmask !== null) process.umask(previousUmask);
  }
}

/** Starts one child in its own process group with its own umask, directory, environment and user. */
export function spawnChild(request: SpawnRequest): SpawnResult {
  const plan = planLaunch(request);
  if ('ok' in plan) return plan;
  // Always pipes, even for a discarded stream: its last lines say why a run failed.
  // A socket's fd is CLOEXEC here; passed in stdio, the child gets it dup'ed to 3, 4, ... without that flag.
  const stdio: StdioOptions = ['pipe', 'pipe', 'pipe', ...request.sockets.map((socket) => socket.fd)];
  try {
    const child = withUmask(plan.umask, () =>
      spawn(plan.file, plan.args, {
        ...(plan.argv0 === null ? {} : { argv0: plan.argv0 }),
        cwd: plan.cwd,
        env: plan.env,
        stdio,
        // A new session makes the child a process group leader, so the whole group can be signalled.
        detached: true,
        ...(plan.uid === undefined ? {} : { uid: plan.uid }),
        ...(plan.gid === undefined ? {} : { gid: plan.gid }),
      }),
    );
    return { ok: true, child, warning: plan.warning };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, transient: isResourceShortage(code), reason: `couldn't exec ${plan.file}: ${code ?? (error as Error).message}` };
  }
}
