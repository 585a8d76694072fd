import { Document } from 'yaml';
import type { HealthcheckConfig, Probe, ProgramConfig, ReadyConfig, SupervisorConfig } from '../config/types.js';
import { splitShellWords } from '../config/shell-words.js';
import { ceilSeconds, type ExportedFile } from './exported-file.js';

export interface KubernetesOptions {
  readonly image: string;
  /** A user name's uid, for runAsUser; null when it is not known. */
  readonly uidOf: (user: string) => number | null;
}

type Json = Record<string, unknown>;

/** A name Kubernetes accepts (RFC 1123 label): lower case, digits and `-`. */
export function kubernetesName(name: string): string {
  const cleaned = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return (cleaned || 'program').slice(0, 52);
}

function probeAction(probe: Probe, notes: string[], what: string): Json {
  switch (probe.kind) {
    case 'cmd':
      return { exec: { command: splitShellWords(probe.cmd) } };
    case 'tcp': {
      const port = Number(probe.address.slice(probe.address.lastIndexOf(':') + 1));
      notes.push(`${what}: tcpSocket probes the pod's address, not ${probe.address}`);
      return { tcpSocket: { port } };
    }
    case 'http': {
      const url = new URL(probe.url.replace(/\{port\}/g, '0'));
      const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
      notes.push(`${what}: httpGet asks the pod's address, not ${url.hostname}`);
      return { httpGet: { path: `${url.pathname}${url.search}`, port, scheme: url.protocol === 'https:' ? 'HTTPS' : 'HTTP' } };
    }
  }
}

function livenessProbe(health: HealthcheckConfig, notes: string[]): Json {
  return {
    ...probeAction(health.probe, notes, 'healthcheck'),
    periodSeconds: ceilSeconds(health.intervalMs, 1),
    timeoutSeconds: ceilSeconds(health.timeoutMs, 1),
    failureThreshold: Math.max(1, health.retries),
    initialDelaySeconds: ceilSeconds(health.startPeriodMs),
  };
}

function readyProbes(ready: ReadyConfig, notes: string[]): Json {
  if (ready.probe.kind === 'notify') {
    notes.push('ready notify: Kubernetes has no sd_notify; no startup or readiness probe is written');
    return {};
  }
  const action = probeAction(ready.probe, notes, 'ready');
  const periodSeconds = ceilSeconds(ready.intervalMs, 1);
  const timing = { periodSeconds, timeoutSeconds: ceilSeconds(ready.timeoutMs, 1) };
  // Taskmaster's ready deadline fails the start; a startup probe's failure threshold does the same.
  const attempts = ready.deadlineMs === 0 ? 1_000_000 : Math.max(1, Math.ceil(ready.deadlineMs / (periodSeconds * 1000)));
  return { startupProbe: { ...action, ...timing, failureThreshold: attempts }, readinessProbe: { ...action, ...timing } };
}

/** argv, wrapped in `sh -c 'umask ...; exec "$@"'` when the program sets a umask. */
function commandOf(argv: readonly string[], umask: number | null): string[] {
  if (umask === null) return [...argv];
  return ['/bin/sh', '-c', `umask ${umask.toString(8).padStart(4, '0')} && exec "$@"`, 'sh', ...argv];
}

function containerOf(program: ProgramConfig, options: KubernetesOptions, notes: string[]): Json {
  const env = [{ name: 'TASKMASTER_GROUP', value: program.group }, ...Object.entries(program.env).map(([name, value]) => ({ name, value }))];
  const container: Json = { name: kubernetesName(program.name), image: options.image, command: commandOf(program.argv, program.umask), env };
  if (program.workingDir !== null) container.workingDir = program.workingDir;
  if (program.user !== null) {
    const uid = options.uidOf(program.user);
    if (uid === null) notes.push(`user ${program.user}: its uid is unknown here; set securityContext.runAsUser by hand`);
    else container.securityContext = { runAsUser: uid, runAsNonRoot: uid !== 0 };
  }
  if (program.healthcheck) {
    if (program.healthcheck.onUnhealthy === 'restart') container.livenessProbe = livenessProbe(program.healthcheck, notes);
    else container.readinessProbe = { ...livenessProbe(program.healthcheck, notes), initialDelaySeconds: undefined };
  }
  if (program.ready) Object.assign(container, readyProbes(program.ready, notes));
  if (program.stopSignal !== 'SIGTERM') notes.push(`stopsignal ${program.stopSignal}: the kubelet stops with SIGTERM (set STOPSIGNAL in the image)`);
  return JSON.parse(JSON.stringify(container)) as Json;
}

function notesOf(program: ProgramConfig, notes: string[]): void {
  if (program.dependsOn.length > 0) notes.push(`depends_on ${program.dependsOn.map((dependency) => `${dependency.name} (${dependency.condition})`).join(', ')}: Kubernetes has no start order; use an init container that waits, or make the program retry`);
  if (program.port) notes.push('port: a free port chosen at start has no Kubernetes form; give the container a fixed containerPort');
  if (program.sockets.length > 0) notes.push(`sockets ${program.sockets.map((socket) => socket.listen).join(', ')}: Kubernetes passes no listening socket; the program binds its port itself (a containerPort), and a Service with a readinessProbe keeps traffic off a restarting pod`);
  if (program.prestart) notes.push(`prestart ${program.prestart.cmd}: could become an init container of the same image`);
  if (program.poststop) notes.push(`poststop ${program.poststop.cmd}: has no form; a preStop hook runs before the stop, not after`);
  if (program.heartbeat) notes.push(`heartbeat ${program.heartbeat.file}: use a livenessProbe with exec: [test, ...] on the file's age`);
  if (program.notify) notes.push('notify: alerts come from the cluster\'s monitoring (events, Prometheus), not from the manifest');
  if (!program.schedule && program.autorestart !== 'always') notes.push(`autorestart ${program.autorestart}: a Deployment always restarts its pods (a Job would not)`);
  if (program.startTimeMs > 0 && !program.schedule) notes.push(`starttime ${program.startTimeMs}ms: minReadySeconds is the nearest form`);
  if (program.crashLoop) notes.push('crash_loop: the kubelet\'s CrashLoopBackOff (10s doubling to 5min) applies instead');
  if (program.stdout.kind === 'file' || program.stderr.kind === 'file') notes.push('output files: the container\'s stdout and stderr go to the cluster\'s logs');
}

function workloadOf(program: ProgramConfig, options: KubernetesOptions, notes: string[]): Json {
  const name = kubernetesName(program.name);
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'taskmaster-export' };
  const podSpec: Json = { terminationGracePeriodSeconds: ceilSeconds(program.stopTimeMs), containers: [containerOf(program, options, notes)] };
  notesOf(program, notes);
  const schedule = program.schedule;
  if (schedule) {
    if (schedule.expression.split(/\s+/).length === 6) notes.push(`schedule "${schedule.expression}": CronJob has no seconds field; rewrite as five fields`);
    if (schedule.jitterMs > 0) notes.push('jitter: CronJob has no random delay');
    if (schedule.overlap === 'queue') notes.push('overlap queue: CronJob can Allow, Forbid or Replace; Forbid is used');
    const job: Json = { backoffLimit: schedule.times, template: { metadata: { labels }, spec: { ...podSpec, restartPolicy: 'Never' } } };
    if (program.timeoutMs > 0) job.activeDeadlineSeconds = ceilSeconds(program.timeoutMs, 1);
    const spec: Json = {
      schedule: schedule.expression,
      concurrencyPolicy: schedule.overlap === 'replace' ? 'Replace' : 'Forbid',
      jobTemplate: { spec: job },
    };
    if (schedule.timezone !== null) spec.timeZone = schedule.timezone;
    // Without catchup a missed tick is dropped: a short starting deadline does that.
    if (!schedule.catchup) spec.startingDeadlineSeconds = 60;
    return { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, labels }, spec };
  }
  if (program.timeoutMs > 0) notes.push('timeout: a Deployment has no run time limit (activeDeadlineSeconds is for Jobs)');
  if (!program.autostart) notes.push('autostart false: replicas 0; scale it up to start it');
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: program.autostart ? program.numprocs : 0,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: { metadata: { labels }, spec: podSpec },
    },
  };
}

/** The manifests of every program as one object per program, each with what could not be mapped. */
export function kubernetesObjects(config: SupervisorConfig, options: KubernetesOptions): { object: Json; notes: string[] }[] {
  return [...config.programs.values()].map((program) => {
    const notes: string[] = [];
    const object = workloadOf(program, options, notes);
    return { object, notes };
  });
}

/** All manifests in one multi-document YAML file; each unmappable setting is a comment above its object. */
export function exportKubernetes(config: SupervisorConfig, options: KubernetesOptions): ExportedFile {
  const documents = kubernetesObjects(config, options).map(({ object, notes }) => {
    const document = new Document(object, { aliasDuplicateObjects: false });
    if (notes.length > 0) document.commentBefore = notes.map((note) => ` ${note}`).join('\n');
    return document.toString({ lineWidth: 0 });
  });
  return { name: 'kubernetes.yaml', text: `# Exported by taskmaster from ${config.file}\n${documents.join('---\n')}` };
}
