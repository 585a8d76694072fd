import type { ProgramConfig, Probe, ReadyConfig, SupervisorConfig } from '../config/types.js';
import { splitShellWords } from '../config/shell-words.js';
import { cronToCalendar } from './cron-to-calendar.js';
import { processNamesOf, type ExportedFile } from './exported-file.js';
import { environmentAssignment, execLine, pathValue } from './systemd-quote.js';
import { socketServiceLines, socketUnits } from './systemd-sockets.js';

/** Unit names of a program: one `.service` per process (numprocs N gives N units, not a template). */
export function unitNamesOf(program: ProgramConfig): string[] {
  return processNamesOf(program.name, program.numprocs).map((processName) => `${processName}.service`);
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function probeText(probe: Probe): string {
  if (probe.kind === 'cmd') return probe.cmd;
  return probe.kind === 'http' ? `GET ${probe.url}` : `connect ${probe.address}`;
}

/** A word for sh, in single quotes unless it is plain. */
function shellQuote(word: string): string {
  return /^[A-Za-z0-9_/.:,+=@%-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

// A command probe maps: ExecStartPost= holds the unit in "activating" until it passes, so After= waits for it.
function readyLines(ready: ReadyConfig, lines: string[]): void {
  // `ready: notify` is systemd's own protocol: Type=notify (set with the type) waits for the same READY=1.
  if (ready.probe.kind === 'notify') {
    lines.push(ready.deadlineMs > 0 ? `TimeoutStartSec=${seconds(ready.deadlineMs)}` : 'TimeoutStartSec=infinity');
    return;
  }
  if (ready.probe.kind !== 'cmd') {
    lines.push(`# ready (${probeText(ready.probe)}): only a cmd probe maps (as ExecStartPost=); systemd's own readiness is the program's READY=1 (Type=notify)`);
    return;
  }
  const probe = splitShellWords(ready.probe.cmd).map(shellQuote).join(' ');
  const pause = Math.max(0.1, ready.intervalMs / 1000);
  lines.push(`ExecStartPost=${execLine(['/bin/sh', '-c', `until ${probe}; do sleep ${pause}; done`])}`);
  if (ready.deadlineMs > 0) lines.push(`TimeoutStartSec=${seconds(ready.deadlineMs)}`);
  else lines.push('TimeoutStartSec=infinity');
}

function restartLines(program: ProgramConfig, oneshot: boolean, lines: string[], unit: string[]): void {
  if (program.autorestart === 'never') {
    lines.push('Restart=no');
    return;
  }
  // systemd refuses Restart=always on a oneshot; a dependency awaited to complete is one.
  if (oneshot && program.autorestart === 'always') lines.push('# autorestart always: a oneshot can only restart on failure');
  lines.push(`Restart=${program.autorestart === 'always' && !oneshot ? 'always' : 'on-failure'}`);
  const expected = program.exitCodes.filter((code) => code !== 0);
  if (expected.length > 0) lines.push(`SuccessExitStatus=${expected.join(' ')}`);
  if (program.autorestart === 'unexpected' && !program.exitCodes.includes(0)) {
    lines.push('# exitcodes without 0: systemd always counts exit 0 as success, so it is not restarted');
  }
  const crashLoop = program.crashLoop;
  if (crashLoop === null) {
    lines.push('RestartSec=0');
    return;
  }
  // Taskmaster's quick-exit backoff grows from delay to max_delay; systemd's RestartSteps= does the same.
  lines.push(`RestartSec=${seconds(crashLoop.delayMs)}`);
  if (crashLoop.maxDelayMs > crashLoop.delayMs) lines.push(`# growing delay up to max_delay: on systemd 254 or later add RestartSteps=5 and RestartMaxDelaySec=${seconds(crashLoop.maxDelayMs)}`);
  lines.push(`# crash_loop burst ${crashLoop.burst} (quick restarts before the first delay) has no systemd form`);
  // Quick exits in a row end in FATAL after `limit`; systemd's start limit ends a unit in failed.
  if (crashLoop.limit > 0) unit.push(`StartLimitBurst=${crashLoop.limit}`, `StartLimitIntervalSec=${seconds((crashLoop.quickExitMs + crashLoop.maxDelayMs) * crashLoop.limit)}`);
  else unit.push('StartLimitIntervalSec=0');
}

function dependencyLines(program: ProgramConfig, config: SupervisorConfig, unit: string[]): void {
  for (const dependency of program.dependsOn) {
    const target = config.programs.get(dependency.name);
    if (!target) continue;
    const units = target.schedule ? [`${target.name}.service`] : unitNamesOf(target);
    unit.push(`After=${units.join(' ')}`, `Requires=${units.join(' ')}`);
    if (dependency.condition === 'healthy') unit.push(`# depends_on ${dependency.name}: healthy: systemd has no health checks; this waits for it to be started (Type=notify in ${dependency.name} would wait for its READY=1)`);
  }
}

/** Programs that another one waits for to complete: they become Type=oneshot so After= waits for their exit. */
function completionTargets(config: SupervisorConfig): Set<string> {
  const names = new Set<string>();
  for (const program of config.programs.values()) {
    for (const dependency of program.dependsOn) if (dependency.condition === 'completed_successfully') names.add(dependency.name);
  }
  return names;
}

function outputLine(key: 'StandardOutput' | 'StandardError', target: ProgramConfig['stdout']): string {
  switch (target.kind) {
    case 'discard':
      return `${key}=null`;
    case 'file':
      return `${key}=append:${pathValue(target.path)}`;
    case 'auto':
    case 'inherit':
      return `${key}=journal`;
  }
}

function serviceUnit(program: ProgramConfig, processName: string, config: SupervisorConfig, oneshot: boolean): string {
  const unit = ['[Unit]', `Description=${program.name} (exported from Taskmaster config ${pathValue(config.file)})`];
  dependencyLines(program, config, unit);
  const service = ['[Service]'];
  const scheduled = program.schedule !== null;
  service.push(`Type=${scheduled || oneshot ? 'oneshot' : program.ready?.probe.kind === 'notify' ? 'notify' : 'exec'}`);
  if (oneshot && !scheduled) service.push('RemainAfterExit=yes');
  service.push(`ExecStart=${execLine(program.argv)}`);
  service.push(...socketServiceLines(program));
  if (program.prestart) service.push(`ExecStartPre=${execLine(splitShellWords(program.prestart.cmd))}`);
  if (program.poststop) service.push(`ExecStopPost=${execLine(splitShellWords(program.poststop.cmd))}`);
  if (scheduled) {
    if (program.schedule.times > 0) service.push(`# times: ${program.schedule.times} retries of a failed run have no oneshot form in systemd; the timer runs it again at the next tick`);
  } else {
    restartLines(program, oneshot, service, unit);
  }
  const env = { TASKMASTER_PROCESS_NAME: processName, TASKMASTER_GROUP: program.group, ...program.env };
  for (const [key, value] of Object.entries(env)) service.push(`Environment=${environmentAssignment(key, value)}`);
  if (program.workingDir !== null) service.push(`WorkingDirectory=${pathValue(program.workingDir)}`);
  if (program.umask !== null) service.push(`UMask=${program.umask.toString(8).padStart(4, '0')}`);
  if (program.user !== null) service.push(`User=${program.user}`);
  service.push(`KillSignal=${program.stopSignal}`, `TimeoutStopSec=${seconds(program.stopTimeMs)}`);
  // stopasgroup signals every process of the group; control-group is systemd's nearest (the whole cgroup).
  service.push(`KillMode=${program.stopAsGroup ? 'control-group' : program.killAsGroup ? 'mixed' : 'process'}`);
  // A oneshot's whole run is its start, so its time limit is TimeoutStartSec=.
  if (program.timeoutMs > 0) service.push(`${scheduled || oneshot ? 'TimeoutStartSec' : 'RuntimeMaxSec'}=${seconds(program.timeoutMs)}`);
  service.push(outputLine('StandardOutput', program.stdout));
  service.push(program.redirectStderr ? 'StandardError=inherit' : outputLine('StandardError', program.stderr));
  if (!scheduled && program.startTimeMs > 0) service.push(`# starttime ${seconds(program.startTimeMs)}: systemd counts a service started once it is exec'd`);
  if (program.ready) readyLines(program.ready, service);
  if (program.healthcheck) service.push(`# healthcheck (${probeText(program.healthcheck.probe)}): systemd's watchdog needs the program itself to send WATCHDOG=1 (WatchdogSec=); an outside probe has no unit form`);
  if (program.heartbeat) service.push(`# heartbeat file ${program.heartbeat.file}: a program that sends WATCHDOG=1 instead gets WatchdogSec=${seconds(program.heartbeat.timeoutMs)}`);
  if (program.port) service.push('# port: a free port chosen at start has no systemd form; write a fixed port into the command, or use a .socket unit');
  if (program.notify) service.push('# notify: use OnFailure= with a unit that sends the alert');
  if (program.stdoutMaxBytes > 0 && (program.stdout.kind === 'file' || program.stderr.kind === 'file')) service.push('# rotation of output files: journald rotates the journal; files given by path are not rotated by systemd');
  service.push(`# priority ${program.priority}: systemd orders units only by After=/Before=`);
  const install = program.autostart && !scheduled ? ['', '[Install]', 'WantedBy=multi-user.target'] : [];
  return [...unit, '', ...service, ...install, ''].join('\n');
}

function timerUnit(program: ProgramConfig): string {
  const schedule = program.schedule!;
  const lines = ['[Unit]', `Description=schedule of ${program.name}`, '', '[Timer]'];
  const calendar = cronToCalendar(schedule.expression, schedule.timezone);
  if (calendar.ok) lines.push(`OnCalendar=${calendar.calendar}`);
  else lines.push(`# schedule "${schedule.expression}" cannot be written as OnCalendar=: ${calendar.reason}`, 'OnCalendar=*-*-* 00:00:00', '# (a daily placeholder: write the schedule by hand)');
  lines.push('AccuracySec=1s');
  if (schedule.jitterMs > 0) lines.push(`RandomizedDelaySec=${seconds(schedule.jitterMs)}`);
  if (schedule.catchup) lines.push('Persistent=true');
  // A timer never starts a service that is still running: that is overlap skip.
  if (schedule.overlap !== 'skip') lines.push(`# overlap ${schedule.overlap}: a timer skips a tick while the last run goes on`);
  lines.push(`Unit=${program.name}.service`, '', '[Install]', 'WantedBy=timers.target', '');
  return lines.join('\n');
}

/** systemd units for every program: `.service` per process, plus a `.timer` for each schedule and `.socket` units for its sockets. */
export function exportSystemd(config: SupervisorConfig): ExportedFile[] {
  const oneshots = completionTargets(config);
  const files: ExportedFile[] = [];
  for (const program of config.programs.values()) {
    if (program.schedule) {
      files.push({ name: `${program.name}.service`, text: serviceUnit(program, program.name, config, true) });
      files.push({ name: `${program.name}.timer`, text: timerUnit(program) });
      continue;
    }
    for (const processName of processNamesOf(program.name, program.numprocs)) {
      files.push({ name: `${processName}.service`, text: serviceUnit(program, processName, config, oneshots.has(program.name)) });
    }
    if (program.numprocs === 1) files.push(...socketUnits(program));
  }
  return files;
}
