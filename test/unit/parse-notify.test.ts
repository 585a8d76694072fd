import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config/parse-config.js';
import { makeAlert } from '../../src/features/alert.js';
import { formatSyslog, frameOctetCounted } from '../../src/features/format-syslog.js';
import { signBody } from '../../src/features/webhook-channel.js';
import { problemsOf } from './config-problems.js';

const parse = (text: string) => parseConfig(text, '/etc/tm/taskmaster.yaml', { socket: '/tmp/t.sock' });
const program = (notify: string): string => `programs:\n  a:\n    cmd: sleep 1\n    notify: ${notify}\n`;
const notifyOf = (notify: string) => parse(program(notify)).programs.get('a')!.notify!;

const problems = (text: string): string[] => problemsOf(() => parse(text));

describe('notify', () => {
  it('reads every channel, with defaults: every event but job_succeeded, 5 alerts per 5 minutes', () => {
    process.env['TM_UNIT_SECRET'] = 'from-env';
    const notify = notifyOf('{ url: "http://h/a", secret: "${TM_UNIT_SECRET}", cmd: "page-me", syslog: true, email: { to: ops@x.test, from: tm@x.test, server: "mail.x.test", user: u, password: "pre-${TM_UNIT_SECRET}", ca: ca.pem } }');
    assert.equal(notify.secret, 'from-env');
    assert.deepEqual(notify.syslog, { kind: 'unix', path: '/dev/log' });
    assert.deepEqual(notify.email, { to: ['ops@x.test'], from: 'tm@x.test', host: 'mail.x.test', port: 587, starttls: true, user: 'u', password: 'pre-from-env', caFile: '/etc/tm/ca.pem' });
    assert.ok(!notify.events.includes('job_succeeded') && notify.events.includes('job_failed') && notify.events.includes('heartbeat_restart'));
    assert.deepEqual(notify.rateLimit, { count: 5, perMs: 300_000 });
    assert.deepEqual(notifyOf('{ syslog: "tcp://[::1]:6514", rate_limit: { count: 2, per: 1m } }').syslog, { kind: 'tcp', host: '::1', port: 6514 });
    assert.deepEqual(notifyOf('{ syslog: "udp://logs.x.test" }').syslog, { kind: 'udp', host: 'logs.x.test', port: 514 });
  });

  it('names file, line, column and key of each bad value', () => {
    delete process.env['TM_UNIT_UNSET'];
    assert.deepEqual(problems(program('{ url: "http://h/a", secret: "${TM_UNIT_UNSET}" }')), ['/etc/tm/taskmaster.yaml:4:42: programs.a.notify.secret: environment variable TM_UNIT_UNSET is not set']);
    assert.deepEqual(problems(program('{ syslog: "ftp://h" }')), ['/etc/tm/taskmaster.yaml:4:23: programs.a.notify.syslog: expected true, a socket path such as /dev/log, udp://host:port or tcp://host:port, got "ftp://h"']);
    assert.deepEqual(problems(program('{ secret: x, cmd: y }')), ['/etc/tm/taskmaster.yaml:4:23: programs.a.notify.secret: signs the webhook: it needs url']);
    assert.deepEqual(problems(program('{ on: [job_done] }')), [
      '/etc/tm/taskmaster.yaml:4:13: programs.a.notify: expected at least one of url, cmd, syslog or email',
      '/etc/tm/taskmaster.yaml:4:19: programs.a.notify.on: expected events among fatal, unexpected_exit, unhealthy, timeout, backoff, health_restart, heartbeat_restart, job_failed, job_succeeded, got job_done',
    ]);
    const email = problems(program('{ email: { to: [ops@x.test, nobody], server: "h:99999", user: u } }'));
    assert.ok(email.some((line) => /notify\.email: from is required/.test(line)), email.join('\n'));
    assert.ok(email.some((line) => /notify\.email\.to\[1\]: expected an email address, got nobody/.test(line)), email.join('\n'));
    assert.ok(email.some((line) => /notify\.email\.server: expected host or host:port, got h:99999/.test(line)), email.join('\n'));
    assert.ok(email.some((line) => /notify\.email: user and password go together/.test(line)), email.join('\n'));
    assert.match(problems(program('{ cmd: x, rate_limit: { count: 0 } }'))[0]!, /notify\.rate_limit\.count: expected/);
  });
});

describe('alert formats', () => {
  const alert = makeAlert({ event: 'unexpected_exit', process: 'web:web_01', group: 'web', pid: 4242, exitCode: null, signal: 'SIGKILL', reason: 'terminated by SIGKILL', lastLines: ['out of "memory"]'], attempt: 2, message: 'web:web_01 exited unexpectedly' }, Date.parse('2026-12-01T21:10:00Z'));

  it('writes RFC 5424 with the fields as escaped structured data', () => {
    const message = formatSyslog(alert, 99);
    assert.match(message, /^<27>1 2026-12-01T21:10:00\.000Z \S+ taskmaster 99 unexpected_exit \[taskmaster@32473 event="unexpected_exit" process="web:web_01" group="web" pid="4242" signal="SIGKILL" attempt="2"\] web:web_01 exited unexpectedly: terminated by SIGKILL \| last output: out of "memory"]$/);
    assert.ok(formatSyslog({ ...alert, group: 'a"b]c\\' }, 99).includes(' group="a\\"b\\]c\\\\" '), 'quote, bracket and backslash are escaped in a parameter');
    assert.equal(frameOctetCounted('<27>1 é'), '8 <27>1 é', 'the frame counts octets, not characters');
    const long = formatSyslog({ ...alert, lastLines: ['é'.repeat(3000)] }, 99);
    assert.ok(Buffer.byteLength(long) <= 2048 && !long.includes('\uFFFD'));
  });

  it('signs a webhook body with HMAC-SHA256', () => {
    // echo -n '{"a":1}' | openssl dgst -sha256 -hmac key
    assert.equal(signBody('key', '{"a":1}'), 'sha256=88a67f24bbcdaed0e6c997404bb79a743baf44c6bab2f4c27328e3009d22e342');
  });
});
