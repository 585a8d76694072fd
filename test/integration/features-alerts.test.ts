import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ctl, freePort, makeTempDir, RunningTaskmaster, waitFor } from '../helpers.js';
import { makeCertificate, smtpReceiver, tcpSyslogReceiver, udpSyslogReceiver, unixSyslogReceiver, webhookReceiver } from './alert-receivers.js';

const decodeQuotedPrintable = (text: string) => Buffer.from(text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
const yearAgo = () => Date.now() - 400 * 24 * 3600 * 1000;

describe('alerts', () => {
  it('sends one signed job_failed after the last try of a tick, with every try, retries backed off', async (t) => {
    const hook = await webhookReceiver('hook-key');
    t.after(() => hook.close());
    const dir = await makeTempDir();
    // A tick missed a year ago with catchup: each job runs once, at start.
    await writeFile(join(dir, 'taskmaster-state.json'), JSON.stringify({ lastTicks: { flaky: yearAgo(), fine: yearAgo(), told: yearAgo() } }));
    const notify = (on: string) => `{ url: "${hook.url}", secret: "\${TM_TEST_HOOK_SECRET}"${on} }`;
    const tm = await RunningTaskmaster.start(`
programs:
  flaky:
    cmd: "sh -c 'echo boom from $$ >&2; exit 3'"
    schedule: "@yearly"
    catchup: true
    times: 2
    retry_delay: 400ms
    notify: ${notify('')}
  fine: { cmd: "true", schedule: "@yearly", catchup: true, notify: ${notify('')} }
  told: { cmd: "true", schedule: "@yearly", catchup: true, notify: ${notify(', on: [job_succeeded]')} }
`, dir, { ...process.env, TM_TEST_HOOK_SECRET: 'hook-key' });
    t.after(() => tm.stop());
    await tm.waitForLog(/failed: flaky run failed after 3 attempts/, 30_000);
    const failed = await waitFor(() => hook.received.find((entry) => entry.body['event'] === 'job_failed'), 'job_failed');
    await waitFor(() => hook.received.some((entry) => entry.body['event'] === 'job_succeeded'), 'job_succeeded of told');
    const log = await tm.log();
    assert.equal((log.match(/spawned: 'flaky'/g) ?? []).length, 3);
    assert.match(log, /retry: flaky failed, run 2 of 3 in 0\.4s/);
    assert.match(log, /retry: flaky failed, run 3 of 3 in 0\.8s/);

    const events = hook.received.map((entry) => `${entry.body['process']}:${entry.body['event']}`).sort();
    assert.deepEqual(events, ['flaky:job_failed', 'told:job_succeeded'], 'one alert per tick; no unexpected_exit per try, no job_succeeded unasked');
    assert.ok(hook.received.every((entry) => entry.signatureValid), 'every webhook carries a valid X-Taskmaster-Signature');
    const alert = failed.body as Record<string, unknown> & { attempts: Record<string, unknown>[] };
    assert.equal(alert['process'], 'flaky');
    assert.equal(alert['group'], 'flaky');
    assert.equal(alert['attempt'], 3);
    assert.equal(alert['exitCode'], 3);
    assert.equal(alert['signal'], null);
    assert.equal(alert['reason'], 'exit status 3');
    assert.equal(typeof alert['host'], 'string');
    assert.ok(!Number.isNaN(Date.parse(alert['time'] as string)));
    assert.equal(alert.attempts.length, 3);
    for (const [index, attempt] of alert.attempts.entries()) {
      assert.equal(attempt['attempt'], index + 1);
      assert.equal(typeof attempt['pid'], 'number');
      assert.equal(attempt['exitCode'], 3);
      assert.equal(attempt['result'], 'failure');
      assert.deepEqual(attempt['lastLines'], [`boom from ${attempt['pid']}`], 'the last lines are those of that try');
    }
    assert.equal(alert['pid'], alert.attempts[2]!['pid']);
    // Each retry waited its backoff: 0.4 s, then 0.8 s (bounds generous below, none above: the machine is loaded).
    const gap = (index: number) => Date.parse(alert.attempts[index]!['startedAt'] as string) - Date.parse(alert.attempts[index - 1]!['endedAt'] as string);
    assert.ok(gap(1) >= 350, `the first retry came ${gap(1)} ms after the failure`);
    assert.ok(gap(2) >= 750, `the second retry came ${gap(2)} ms after the failure`);
  });

  it('alerts on heartbeat and health restarts like unexpected exits, by UDP and UNIX datagram syslog, and by command', async (t) => {
    const udp = await udpSyslogReceiver();
    t.after(() => udp.close());
    const dir = await makeTempDir();
    const unix = await unixSyslogReceiver(join(dir, 'log.sock'));
    t.after(() => unix.close());
    const beat = join(dir, 'beat');
    const commandOut = join(dir, 'alerts.jsonl');
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  worker:
    cmd: "sh -c 'echo working on it; touch ${beat}; exec sleep 100'"
    starttime: 0
    heartbeat: { file: ${beat}, timeout: 1s }
    notify: { on: [heartbeat_restart], syslog: "${udp.address}", cmd: "sh -c 'cat >> ${commandOut}'" }
  web:
    cmd: "sh -c 'echo serving >&2; exec sleep 100'"
    starttime: 0
    healthcheck: { cmd: "false", interval: 200ms, retries: 1 }
    notify: { on: [health_restart], syslog: ${join(dir, 'log.sock')} }
`, dir);
    const worker = await tm.waitForState('worker', 'RUNNING');
    const web = await tm.waitForState('web', 'RUNNING');
    const beatAlert = await waitFor(() => udp.received.find((message) => message.msgid === 'heartbeat_restart'), 'a heartbeat_restart syslog message', 20_000);
    assert.equal(beatAlert.priority, 3 * 8 + 3, 'facility daemon, severity err');
    assert.equal(beatAlert.params['process'], 'worker');
    assert.equal(beatAlert.params['pid'], String(worker.pid));
    assert.equal(beatAlert.params['signal'], 'SIGTERM');
    assert.match(beatAlert.text, /worker was restarted: stale heartbeat \(.*beat not touched for \ds\).*last output: working on it/);
    const healthAlert = await waitFor(() => unix.received.find((message) => message.msgid === 'health_restart'), 'a health_restart message on the UNIX socket', 20_000);
    assert.equal(healthAlert.params['pid'], String(web.pid));
    assert.match(healthAlert.text, /web was restarted: unhealthy \(exit status 1\).*last output: serving/);
    const fromCommand = await waitFor(async () => (await readFile(commandOut, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)[0], 'the command to get the payload on stdin');
    assert.equal(fromCommand['event'], 'heartbeat_restart');
    assert.equal(fromCommand['pid'], worker.pid);
    assert.deepEqual(fromCommand['lastLines'], ['working on it']);
  });

  it('limits the alerts of a flapping process and counts every one held back', async (t) => {
    const hook = await webhookReceiver(null);
    t.after(() => hook.close());
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  flap:
    cmd: "sh -c 'sleep 0.2; exit 1'"
    starttime: 0
    crash_loop: false
    notify: { on: [unexpected_exit], url: "${hook.url}", rate_limit: { count: 2, per: 3s } }
`);
    // Longer than one window: some held alerts ride on the next one sent, the rest on the summary.
    await tm.waitForLog(/(exited: flap \(exit status 1; not expected\)[^]*){16}/, 30_000);
    await ctl(tm.socket, 'stop', 'flap');
    await tm.waitForState('flap', 'STOPPED');
    const exits = ((await tm.log()).match(/exited: flap \(exit status 1; not expected\)/g) ?? []).length;
    // Each alert delivered stands for itself and the ones it says were held back before it.
    const total = () => hook.received.reduce((sum, entry) => sum + 1 + ((entry.body['suppressed'] as { count: number } | undefined)?.count ?? 0), 0);
    // The summary comes once the window has room: 3 s after the first alert at the latest.
    const summary = await waitFor(() => hook.received.find((entry) => entry.body['suppressed']), 'an alert carrying the held-back count', 15_000);
    const held = summary.body['suppressed'] as { count: number; summary: string };
    assert.match(held.summary, /^\d+ more in the last 3 seconds$/);
    await waitFor(() => total() === exits || undefined, `alerts sent plus alerts counted to equal the ${exits} exits`, 15_000);
    assert.ok(hook.received.length < exits, `${hook.received.length} alerts for ${exits} exits: the limit held some back`);
  });

  it('logs a failing channel once per outage, and its count when it works again', async (t) => {
    const port = await freePort();
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  crash:
    cmd: "sh -c 'sleep 0.3; exit 2'"
    starttime: 0
    crash_loop: false
    notify: { on: [unexpected_exit], syslog: "tcp://127.0.0.1:${port}", rate_limit: { count: 1000, per: 1m } }
`);
    await tm.waitForLog(/(exited: crash \(exit status 2; not expected\)[^]*){3}/, 20_000);
    await tm.waitForLog(/WARN notify: syslog tcp:\/\/127\.0\.0\.1:\d+ failing \(ECONNREFUSED\)/);
    const receiver = await tcpSyslogReceiver(port);
    t.after(() => receiver.close());
    const log = await tm.waitForLog(/notify: syslog tcp:\/\/127\.0\.0\.1:\d+ works again: \d+ alerts not delivered since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    assert.equal((log.match(/failing \(ECONNREFUSED\)/g) ?? []).length, 1, 'one line for the whole outage');
    const lost = Number(/works again: (\d+) alerts/.exec(log)![1]);
    assert.ok(lost >= 3, `the count says ${lost}`);
    const message = await waitFor(() => receiver.received[0], 'an octet-counted frame');
    assert.equal(message.msgid, 'unexpected_exit');
    assert.equal(message.params['exitCode'], '2');
  });

  it('mails an alert over SMTP with STARTTLS and AUTH', async (t) => {
    const dir = await makeTempDir();
    const { cert, key } = await makeCertificate(dir);
    const port = await freePort();
    const smtp = await smtpReceiver(port, cert, key, 'taskmaster', 'mail-pass');
    t.after(() => smtp.close());
    const tm = await RunningTaskmaster.start(`
programs:
  broken:
    cmd: "sh -c 'echo cannot open /etc/broken.conf >&2; exit 78'"
    starttime: 1
    startretries: 0
    notify:
      on: [fatal]
      email: { to: [ops@example.test], from: taskmaster@example.test, server: "127.0.0.1:${port}", user: taskmaster, password: "\${TM_TEST_SMTP_PASSWORD}", ca: ${cert} }
`, dir, { ...process.env, TM_TEST_SMTP_PASSWORD: 'mail-pass' });
    t.after(() => tm.stop());
    const mail = await waitFor(() => smtp.mails[0], 'the mail to arrive', 30_000);
    assert.ok(mail.tls, 'sent after STARTTLS');
    assert.ok(mail.authenticated);
    assert.deepEqual(smtp.auths.map((auth) => auth.ok), [true]);
    assert.deepEqual(mail.to, ['ops@example.test']);
    assert.match(mail.data, /^Subject: \[taskmaster\] fatal: broken on /m);
    const body = /Content-Transfer-Encoding: quoted-printable/i.test(mail.data) ? decodeQuotedPrintable(mail.data) : mail.data;
    const payload = JSON.parse(body.slice(body.indexOf('payload:') + 'payload:'.length).replace(/\r\n/g, '\n').trim()) as Record<string, unknown>;
    assert.equal(payload['event'], 'fatal');
    assert.equal(payload['exitCode'], 78);
    assert.equal(typeof payload['pid'], 'number');
    assert.deepEqual(payload['lastLines'], ['cannot open /etc/broken.conf']);
  });
});
