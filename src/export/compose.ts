import { Document, isMap, isScalar, type YAMLMap } from 'yaml';
import type { DependencyCondition, Probe, ProgramConfig, SupervisorConfig } from '../config/types.js';
import { splitShellWords } from '../config/shell-words.js';
import type { ExportedFile } from './exported-file.js';

export interface ComposeOptions {
  readonly image: string;
}

type Json = Record<string, unknown>;

const conditions: Readonly<Record<DependencyCondition, string>> = {
  started: 'service_started',
  healthy: 'service_healthy',
  completed_successfully: 'service_completed_successfully',
};

/** A compose service name: lower case letters, digits, `.`, `_` and `-`. */
export function serviceName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'program';
}

function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function healthTest(probe: Probe, notes: string[]): string[] {
  if (probe.kind === 'cmd') return ['CMD', ...splitShellWords(probe.cmd)];
  // The image must have the tool: compose runs the check inside the container.
  if (probe.kind === 'http') {
    notes.push('healthcheck http: written as a curl command, which the image must have');
    return ['CMD', 'curl', '-fsS', '-o', '/dev/null', probe.url];
  }
  const separator = probe.address.lastIndexOf(':');
  notes.push('healthcheck tcp: written as a bash /dev/tcp check, which the image must have');
  return ['CMD', 'bash', '-c', `exec 3<>/dev/tcp/${probe.address.slice(0, separator)}/${probe.address.slice(separator + 1)}`];
}

function serviceOf(program: ProgramConfig, options: ComposeOptions, notes: string[]): Json {
  const command = program.umask === null ? [...program.argv] : ['/bin/sh', '-c', `umask ${program.umask.toString(8).padStart(4, '0')} && exec "$$@"`, 'sh', ...program.argv];
  const service: Json = {
    image: options.image,
    // `$` would be interpolated by compose; doubled it stays literal.
    command: command.map((word, index) => (program.umask !== null && index === 2 ? word : word.replace(/\$/g, '$$$$'))),
    environment: { TASKMASTER_GROUP: program.group, ...Object.fromEntries(Object.entries(program.env).map(([key, value]) => [key, value.replace(/\$/g, '$$$$')])) },
    restart: program.schedule ? 'no' : program.autorestart === 'always' ? 'always' : program.autorestart === 'unexpected' ? 'on-failure' : 'no',
    stop_signal: program.stopSignal,
    stop_grace_period: duration(program.stopTimeMs),
  };
  if (program.workingDir !== null) service.working_dir = program.workingDir;
  if (program.user !== null) service.user = program.user;
  if (program.numprocs > 1) service.deploy = { replicas: program.numprocs };
  const health = program.healthcheck;
  if (health) {
    service.healthcheck = {
      test: healthTest(health.probe, notes),
      interval: duration(health.intervalMs),
      timeout: duration(health.timeoutMs),
      retries: health.retries,
      start_period: duration(health.startPeriodMs),
    };
    if (health.onUnhealthy === 'restart') notes.push('on_unhealthy restart: compose only marks the container unhealthy; it does not restart it');
  } else if (program.ready?.probe.kind === 'notify') {
    notes.push('ready notify: compose has no sd_notify; no healthcheck is written');
  } else if (program.ready) {
    service.healthcheck = { test: healthTest(program.ready.probe, notes), interval: duration(program.ready.intervalMs), timeout: duration(program.ready.timeoutMs) };
    notes.push('ready: written as the healthcheck, which depends_on service_healthy waits for');
  }
  if (program.dependsOn.length > 0) {
    service.depends_on = Object.fromEntries(program.dependsOn.map((dependency) => [serviceName(dependency.name), { condition: conditions[dependency.condition] }]));
  }
  if (program.schedule) {
    service.profiles = ['scheduled'];
    notes.push(`schedule "${program.schedule.expression}": compose has no schedules; run it with \`docker compose run --rm ${serviceName(program.name)}\` from cron or a systemd timer`);
  } else if (!program.autostart) {
    service.profiles = ['manual'];
    notes.push('autostart false: in the "manual" profile, started by `docker compose up NAME`');
  }
  if (program.port) notes.push('port: a free port chosen at start has no compose form; publish a fixed port under ports:');
  if (program.sockets.length > 0) notes.push(`sockets ${program.sockets.map((socket) => socket.listen).join(', ')}: compose passes no listening socket; the program binds its port itself, published under ports:`);
  if (program.prestart) notes.push(`prestart ${program.prestart.cmd}: could become a one-off service this one depends on (service_completed_successfully)`);
  if (program.poststop) notes.push(`poststop ${program.poststop.cmd}: has no compose form`);
  if (program.heartbeat) notes.push(`heartbeat ${program.heartbeat.file}: has no compose form; a healthcheck on the file's age is the nearest`);
  if (program.timeoutMs > 0 && !program.schedule) notes.push('timeout: compose has no run time limit');
  if (program.crashLoop) notes.push("crash_loop: Docker's restart delay doubles from 100ms by itself");
  if (program.stdout.kind === 'file' || program.stderr.kind === 'file') notes.push('output files: the container\'s output goes to its logging driver');
  return service;
}

/** A compose file with a service per program; what does not map is a comment above the service. */
export function exportCompose(config: SupervisorConfig, options: ComposeOptions): ExportedFile {
  const services: Record<string, Json> = {};
  const notesByService = new Map<string, string[]>();
  for (const program of config.programs.values()) {
    const notes: string[] = [];
    services[serviceName(program.name)] = serviceOf(program, options, notes);
    notesByService.set(serviceName(program.name), notes);
  }
  // YAML 1.1 quotes `no` and `on`, which compose's parser would read as booleans.
  const document = new Document({ services }, { version: '1.1', aliasDuplicateObjects: false });
  const servicesNode = document.get('services') as YAMLMap;
  if (isMap(servicesNode)) {
    for (const pair of servicesNode.items) {
      const notes = isScalar(pair.key) ? notesByService.get(String(pair.key.value)) : undefined;
      if (notes && notes.length > 0 && isScalar(pair.key)) pair.key.commentBefore = notes.map((note) => ` ${note}`).join('\n');
    }
  }
  document.commentBefore = ` Exported by taskmaster from ${config.file}`;
  return { name: 'compose.yaml', text: document.toString({ lineWidth: 0 }) };
}
