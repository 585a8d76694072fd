import { parsePidFile, parseCrashLoop, parseDependsOn, parseHealthcheck, parseHeartbeat, parseHook, parsePort, parseReady, defaultCrashLoop } from './parse-features.js';
import { parseNotify } from './parse-notify.js';
import { parseSockets } from './parse-sockets.js';
import { parseListener } from './parse-listener.js';
import { programKey, scalar, scheduleKey, type ProgramKey } from './program-key.js';
import { nonEmptyText, oneOf, parseBoolean, parseDuration, parseSize, parseWholeNumber } from './yaml-values.js';

/** The keys beyond keeping a process alive: schedules, checks, order, ports, hooks, alerts. */
export const featureKeys: readonly ProgramKey[] = [
  scheduleKey('schedule', 'expression', {
    reload: 'supervision', default: '', parse: scalar(nonEmptyText), shown: 'none',
    doc: 'run at each tick of this cron expression instead of being kept alive (five fields, six with seconds first, `@hourly`, `@daily` ...)',
  }),
  scheduleKey('timezone', 'timezone', { reload: 'supervision', default: null, parse: scalar(nonEmptyText), shown: "the machine's", doc: 'time zone of the schedule' }),
  scheduleKey('overlap', 'overlap', {
    reload: 'supervision', default: 'skip', parse: scalar(oneOf(['skip', 'queue', 'replace'] as const)), shown: 'skip',
    doc: '`skip`, `queue` or `replace`, when a tick finds the last run going',
  }),
  scheduleKey('catchup', 'catchup', { reload: 'supervision', default: false, parse: scalar(parseBoolean), shown: 'false', doc: 'run once at start if a tick was missed while taskmaster was down' }),
  scheduleKey('jitter', 'jitterMs', { reload: 'supervision', default: 0, parse: scalar(parseDuration), shown: '0', doc: 'delay each tick by a random amount up to this' }),
  scheduleKey('times', 'times', { reload: 'supervision', default: 0, parse: scalar((raw) => parseWholeNumber(raw, 0)), shown: '0', doc: 'retries of a failed run before it counts as failed' }),
  scheduleKey('retry_delay', 'retryDelayMs', { reload: 'supervision', default: 1000, parse: scalar(parseDuration), shown: '1s', doc: 'wait before the first retry of a failed run, doubled for each next retry' }),
  scheduleKey('retry_max_delay', 'retryMaxDelayMs', { reload: 'supervision', default: 60_000, parse: scalar(parseDuration), shown: '1m', doc: 'the longest wait between retries' }),
  programKey('timeout', 'timeoutMs', {
    reload: 'supervision', default: 0, parse: scalar(parseDuration), shown: '0 (none)',
    doc: 'stop a run that takes longer (stopsignal, then SIGKILL after `stoptime`); it counts as an unexpected exit',
  }),
  programKey('healthcheck', 'healthcheck', {
    reload: 'supervision', default: null, parse: parseHealthcheck, shown: 'none; `interval: 30s, timeout: 30s, retries: 3, start_period: 0, on_unhealthy: restart`',
    doc: 'a check of the running process: one of `cmd`, `http`, `tcp`, with `interval`, `timeout`, `retries`, `start_period`, `on_unhealthy` (`restart` or `ignore`)',
  }),
  programKey('ready', 'ready', {
    reload: 'supervision', default: null, parse: parseReady, shown: 'none; `interval: 500ms, timeout: 5s, deadline: 60s`',
    doc: 'RUNNING only once this check passes: one of `cmd`, `http`, `tcp`, with `interval`, `timeout`, `deadline` (0 waits for ever); or `notify` (`{notify: true, deadline}`): the child gets `NOTIFY_SOCKET` and its sd_notify `READY=1` passes',
  }),
  programKey('heartbeat', 'heartbeat', { reload: 'supervision', default: null, parse: parseHeartbeat, shown: 'none; `timeout: 60s`', doc: '`{file, timeout}`: restart when the file goes stale' }),
  programKey('depends_on', 'dependsOn', {
    reload: 'supervision', default: [], parse: parseDependsOn, shown: 'none',
    doc: 'programs to wait for: a list (all `started`) or a mapping to `started`, `healthy` or `completed_successfully`',
  }),
  programKey('port', 'port', { reload: 'spawn', default: null, parse: scalar(parsePort), shown: 'none', doc: '`auto`, a port, or a range such as `8000-8099`: a free one, given as `$PORT` and `{port}`' }),
  programKey('pidfile', 'pidFile', {
    reload: 'spawn', default: null, parse: parsePidFile, shown: 'none',
    doc: 'a file holding the pid while the process runs (written at spawn, removed at exit; `{name}` and `{process_num}` make one per process, which numprocs > 1 needs); see "Files taskmaster writes"',
  }),
  programKey('prestart', 'prestart', { reload: 'spawn', default: null, parse: parseHook, shown: 'none; `timeout: 30s`', doc: 'a command (or `{cmd, timeout}`) run before each spawn; if it fails, the start fails' }),
  programKey('poststop', 'poststop', { reload: 'supervision', default: null, parse: parseHook, shown: 'none; `timeout: 30s`', doc: 'a command (or `{cmd, timeout}`) run after each exit' }),
  programKey('notify', 'notify', {
    reload: 'supervision', default: null, parse: parseNotify, shown: 'none; `on`: every event but `job_succeeded`; `rate_limit: {count: 5, per: 5m}`',
    doc: '`{on, url, secret, cmd, syslog, email, rate_limit}`: alerts by webhook, command, syslog and/or email on `fatal`, `unexpected_exit`, `unhealthy`, `timeout`, `backoff`, `health_restart`, `heartbeat_restart`, `job_failed`, `job_succeeded` (see Alerts)',
  }),
  programKey('crash_loop', 'crashLoop', {
    reload: 'supervision', default: defaultCrashLoop, parse: parseCrashLoop, shown: '`{quick_exit: 10s, burst: 3, delay: 1s, max_delay: 60s, limit: 0}`',
    doc: 'backoff of repeated quick exits: `{quick_exit, burst, delay, max_delay, limit}`, or `false` to turn it off (see Behaviour)',
  }),
  programKey('sockets', 'sockets', {
    reload: 'spawn', default: [], parse: parseSockets, shown: 'none; `name`: the program\'s, `backlog: 4096`',
    doc: 'sockets taskmaster listens on and keeps open across restarts, passed to the child as fds 3, 4, ... with `LISTEN_FDS`, `LISTEN_FDNAMES` and `LISTEN_PID` (systemd\'s socket activation): a list of `{listen, name, backlog}`, `listen` being `127.0.0.1:8080`, `[::1]:8080` or a UNIX socket path; see "Sockets"',
  }),
  programKey('listener', 'listener', {
    reload: 'spawn', default: null, parse: parseListener, shown: 'none; `buffer_size: 10`',
    doc: '`{events: [PROCESS_STATE, TICK_60, ...], buffer_size}`: an event listener speaking supervisord\'s protocol on its stdin and stdout (see "Event listeners")',
  }),
  programKey('stdout_events', 'stdoutEvents', { aliases: ['stdout_events_enabled'], reload: 'supervision', default: false, parse: scalar(parseBoolean), shown: 'false', doc: 'send what it writes on stdout to listeners as PROCESS_LOG_STDOUT events' }),
  programKey('stderr_events', 'stderrEvents', { aliases: ['stderr_events_enabled'], reload: 'supervision', default: false, parse: scalar(parseBoolean), shown: 'false', doc: 'the same for stderr (PROCESS_LOG_STDERR)' }),
  programKey('stdout_capture_maxbytes', 'stdoutCaptureMaxBytes', {
    reload: 'spawn', default: 0, parse: scalar(parseSize), shown: '0 (off)',
    doc: 'text between `<!--XSUPERVISOR:BEGIN-->` and `<!--XSUPERVISOR:END-->` on stdout is kept out of the log and sent to listeners as a PROCESS_COMMUNICATION_STDOUT event (its last this many bytes; see "Event listeners")',
  }),
  programKey('stderr_capture_maxbytes', 'stderrCaptureMaxBytes', { reload: 'spawn', default: 0, parse: scalar(parseSize), shown: '0 (off)', doc: 'the same for stderr (PROCESS_COMMUNICATION_STDERR)' }),
];
