import type { ConfigIssue } from './config-error.js';
import type { EventTypeName } from './event-types.js';

export type AutoRestart = 'always' | 'never' | 'unexpected';

/** Where one output stream of a process goes. `auto` is a file per process in the log folder. */
export type OutputTarget =
  | { readonly kind: 'discard' }
  | { readonly kind: 'auto' }
  | { readonly kind: 'inherit' }
  | { readonly kind: 'file'; readonly path: string };

export interface ProgramConfig extends ProgramFeatures {
  readonly name: string;
  /** The group its processes belong to (`group:process`); the program's own name unless `group:` says otherwise. */
  readonly group: string;
  readonly cmd: string;
  readonly argv: readonly string[];
  readonly numprocs: number;
  readonly umask: number | null;
  readonly workingDir: string | null;
  readonly autostart: boolean;
  readonly autorestart: AutoRestart;
  readonly exitCodes: readonly number[];
  readonly startRetries: number;
  readonly startTimeMs: number;
  readonly stopSignal: NodeJS.Signals;
  readonly stopTimeMs: number;
  readonly stdout: OutputTarget;
  readonly stderr: OutputTarget;
  readonly redirectStderr: boolean;
  readonly stdoutMaxBytes: number;
  readonly stdoutBackups: number;
  readonly stderrMaxBytes: number;
  readonly stderrBackups: number;
  readonly logTimestamps: boolean;
  /** Runs under a pseudo-terminal: one stream (stdout) instead of pipes, and `fg` attaches a terminal. */
  readonly tty: boolean;
  /** Permission bits of its output files. */
  readonly logFileMode: number;
  readonly env: Readonly<Record<string, string>>;
  readonly user: string | null;
  readonly priority: number;
  readonly stopAsGroup: boolean;
  readonly killAsGroup: boolean;
}

export interface HttpListenConfig {
  readonly host: string;
  readonly port: number;
  readonly username: string | null;
  readonly password: string | null;
  /** `unsafe_no_auth: true`: the user chose to let every local user and web page in. */
  readonly unsafeNoAuth: boolean;
  /** Extra names a client may use in its Host header (`allowed_hosts`). */
  readonly allowedHosts: readonly string[];
}

export interface SupervisorConfig {
  /** Absolute path of the file this was read from. */
  readonly file: string;
  readonly logFile: string;
  /** Folder that holds the per-process output files of `auto` streams. */
  readonly logDir: string;
  readonly socket: string;
  readonly watchConfig: boolean;
  readonly logFileMaxBytes: number;
  readonly logFileBackups: number;
  /** Permission bits of the event log. */
  readonly logFileMode: number;
  readonly logFormat: 'text' | 'json';
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** The optional TCP listener for the control API. */
  readonly http: HttpListenConfig | null;
  readonly programs: ReadonlyMap<string, ProgramConfig>;
  /** Set when the file is a supervisord INI config: what it says beyond the YAML keys. */
  readonly supervisord?: SupervisordConfig;
}

/** What a supervisord INI config sets that has no YAML key (see src/config/ini/). */
export interface SupervisordConfig {
  readonly pidFile: string;
  readonly identifier: string;
  readonly nodaemon: boolean;
  readonly minfds: number;
  readonly minprocs: number;
  readonly umask: number;
  readonly user: string | null;
  readonly directory: string | null;
  readonly childLogDir: string;
  readonly nocleanup: boolean;
  readonly stripAnsi: boolean;
  /** `[unix_http_server]`: the socket's mode and owner (`user:group`), and its credentials. */
  readonly unixServer: { readonly chmod: number; readonly chown: string | null; readonly username: string | null; readonly password: string | null } | null;
  readonly supervisorctl: { readonly serverUrl: string | null; readonly username: string | null; readonly password: string | null; readonly prompt: string } | null;
  /** `[group:x]`: supervisord's groups of programs, by program name. */
  readonly groups: readonly { readonly name: string; readonly programs: readonly string[]; readonly priority: number }[];
  /** Unknown sections and keys, and what taskmaster does differently: each names file and line. */
  readonly warnings: readonly ConfigIssue[];
}

/** A check of a process from outside: a command, an HTTP GET, or a TCP connect. */
export type Probe =
  | { readonly kind: 'cmd'; readonly cmd: string }
  | { readonly kind: 'http'; readonly url: string }
  | { readonly kind: 'tcp'; readonly address: string };

export interface HealthcheckConfig {
  readonly probe: Probe;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly startPeriodMs: number;
  readonly onUnhealthy: 'restart' | 'ignore';
}

/** A ready check probes like a healthcheck, or waits for the child's sd_notify `READY=1`. */
export type ReadyProbe = Probe | { readonly kind: 'notify' };

export interface ReadyConfig {
  readonly probe: ReadyProbe;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** How long after the spawn the check may take to pass before the start counts as failed; 0 never. */
  readonly deadlineMs: number;
}

/** Backoff of repeated quick exits (see engine/crash-loop.ts); null turns it off. */
export interface CrashLoopConfig {
  readonly quickExitMs: number;
  readonly burst: number;
  readonly delayMs: number;
  readonly maxDelayMs: number;
  /** Quick exits in a row that end in FATAL; 0 never. */
  readonly limit: number;
}

export interface HeartbeatConfig {
  readonly file: string;
  readonly timeoutMs: number;
}

export interface ScheduleConfig {
  readonly expression: string;
  readonly timezone: string | null;
  readonly overlap: 'skip' | 'queue' | 'replace';
  readonly catchup: boolean;
  readonly jitterMs: number;
  /** Retries of a failed run before it counts as failed. */
  readonly times: number;
  /** Wait before the first retry, doubled for each next one up to retryMaxDelayMs. */
  readonly retryDelayMs: number;
  readonly retryMaxDelayMs: number;
}

export type DependencyCondition = 'started' | 'healthy' | 'completed_successfully';

export interface Dependency {
  readonly name: string;
  readonly condition: DependencyCondition;
}

/** A port range to pick a free port from; `auto` is any free port the system offers. */
export type PortConfig = { readonly kind: 'auto' } | { readonly kind: 'range'; readonly from: number; readonly to: number };

export interface HookConfig {
  readonly cmd: string;
  readonly timeoutMs: number;
}

export const notifyEvents = ['fatal', 'unexpected_exit', 'unhealthy', 'timeout', 'backoff', 'health_restart', 'heartbeat_restart', 'job_failed', 'job_succeeded'] as const;
export type NotifyEvent = (typeof notifyEvents)[number];
/** Sent without `on`: every event but the good news of a job, which is asked for by name. */
export const defaultNotifyEvents: readonly NotifyEvent[] = notifyEvents.filter((event) => event !== 'job_succeeded');

/** Where syslog alerts go: the local socket, or a server by UDP or TCP (octet-counted frames). */
export type SyslogTarget = { readonly kind: 'unix'; readonly path: string } | { readonly kind: 'udp' | 'tcp'; readonly host: string; readonly port: number };

export interface EmailConfig {
  readonly to: readonly string[];
  readonly from: string;
  readonly host: string;
  readonly port: number;
  /** Refuse to send unless the server upgrades the connection with STARTTLS (port 465 is TLS from the start). */
  readonly starttls: boolean;
  readonly user: string | null;
  readonly password: string | null;
  /** A PEM file of the certificate authority that signed the server's certificate, beside the system's. */
  readonly caFile: string | null;
}

export interface NotifyConfig {
  readonly events: readonly NotifyEvent[];
  readonly url: string | null;
  /** Key of the HMAC-SHA256 signature of each webhook body. */
  readonly secret: string | null;
  readonly cmd: string | null;
  readonly syslog: SyslogTarget | null;
  readonly email: EmailConfig | null;
  /** At most `count` alerts per process in any `perMs`; the rest are counted and summarised. */
  readonly rateLimit: { readonly count: number; readonly perMs: number };
}

/** Where a socket listens: a numeric IP address and port, or a UNIX socket path. */
export type ListenAddress = { readonly kind: 'tcp'; readonly host: string; readonly port: number } | { readonly kind: 'unix'; readonly path: string };

/** A socket taskmaster listens on for a program and hands it as LISTEN_FDS (systemd's socket activation). */
export interface ListenSocketConfig {
  /** The address as one string (`127.0.0.1:8080`, `[::1]:8080`, an absolute path): what duplicates are found by. */
  readonly listen: string;
  readonly address: ListenAddress;
  /** Its name in LISTEN_FDNAMES. */
  readonly name: string;
  readonly backlog: number;
}

/** An event listener (supervisord's protocol on its stdin and stdout): what it subscribes to, and how many events wait for it. */
export interface ListenerConfig {
  readonly events: readonly EventTypeName[];
  readonly bufferSize: number;
}

/** The features beyond keeping a process alive: schedules, checks, order, ports, hooks, alerts. */
export interface ProgramFeatures {
  readonly schedule: ScheduleConfig | null;
  readonly timeoutMs: number;
  readonly healthcheck: HealthcheckConfig | null;
  readonly ready: ReadyConfig | null;
  readonly heartbeat: HeartbeatConfig | null;
  readonly dependsOn: readonly Dependency[];
  readonly port: PortConfig | null;
  readonly prestart: HookConfig | null;
  readonly poststop: HookConfig | null;
  readonly notify: NotifyConfig | null;
  readonly crashLoop: CrashLoopConfig | null;
  readonly sockets: readonly ListenSocketConfig[];
  readonly listener: ListenerConfig | null;
  /** Emit PROCESS_LOG_STDOUT / PROCESS_LOG_STDERR events for what it writes. */
  readonly stdoutEvents: boolean;
  readonly stderrEvents: boolean;
  /** Capture mode: bytes kept of a `<!--XSUPERVISOR:BEGIN-->` block, sent as a PROCESS_COMMUNICATION event; 0 is off. */
  readonly stdoutCaptureMaxBytes: number;
  readonly stderrCaptureMaxBytes: number;
  /** Holds the pid while a process runs; `{name}`, `{process_num}` filled per process. */
  readonly pidFile: string | null;
}
