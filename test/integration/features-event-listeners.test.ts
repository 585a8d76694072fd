import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { Supervisor } from '../../src/api/supervisor.js';
import { loadConfig } from '../../src/config/load-config.js';
import { remoteCommunicationEvent, type RemoteCommunicationMessage } from '../../src/contracts/process-events.js';
import { ctl, fixtures, isAlive, makeTempDir, RunningTaskmaster, tailOf, waitFor } from '../helpers.js';

// Debian's python3, which has supervisor's own childutils (the pyenv python3 on PATH may not).
const python = '/usr/bin/python3';
const childutilsListener = `${python} ${fixtures}/childutils-listener.py`;
// supervisord's own test fixtures, shipped by Debian's supervisor package.
const supervisorFixtures = '/usr/lib/python3/dist-packages/supervisor/tests/fixtures';

interface Delivery {
  headers: Record<string, string>;
  payload: string;
  pid: number;
}

async function deliveries(record: string): Promise<Delivery[]> {
  const text = await readFile(record, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Delivery);
}

function waitForDeliveries(record: string, what: string, done: (all: Delivery[]) => boolean, timeoutMs = 20_000): Promise<Delivery[]> {
  return waitFor(async () => {
    const all = await deliveries(record);
    return done(all) ? all : undefined;
  }, what, timeoutMs);
}

const eventName = (delivery: Delivery): string => delivery.headers['eventname']!;
const about = (name: string) => (delivery: Delivery): boolean => delivery.payload.startsWith(`processname:${name} `);

async function startFor(t: TestContext, yaml: string): Promise<RunningTaskmaster> {
  const tm = await RunningTaskmaster.start(yaml);
  t.after(async () => {
    const pids = (await tm.status().catch(() => [])).flatMap((entry) => (entry.pid ? [entry.pid] : []));
    await tm.stop();
    for (const pid of pids) assert.ok(!isAlive(pid), `pid ${pid} was left running`);
  });
  return tm;
}

describe('event listeners', () => {
  it('gives a childutils listener the PROCESS_STATE_* events in order with supervisord\'s payloads, PROCESS_LOG_STDOUT and TICK_5', async (t) => {
    const records = await makeTempDir('tm-events-');
    const record = join(records, 'mon.jsonl');
    const tm = await startFor(t, `
programs:
  mon:
    cmd: "${childutilsListener} ${record}"
    listener: { events: [PROCESS_STATE, PROCESS_LOG, TICK_5, PROCESS_GROUP, SUPERVISOR_STATE_CHANGE] }
    starttime: 0
  talker: { cmd: "sh -c 'echo hello; sleep 0.3; exit 3'", stdout_events: true, autorestart: never, starttime: 0, autostart: false }
  sleeper: { cmd: "sleep 1000", autostart: false, starttime: 0 }
`);
    await waitForDeliveries(record, 'mon to hear itself RUNNING', (all) => all.some((d) => eventName(d) === 'PROCESS_STATE_RUNNING' && about('mon')(d)));
    assert.equal((await ctl(tm.socket, 'start', 'talker')).code, 0);
    await waitForDeliveries(record, 'talker EXITED', (all) => all.some((d) => eventName(d) === 'PROCESS_STATE_EXITED' && about('talker')(d)));
    assert.equal((await ctl(tm.socket, 'start', 'sleeper')).code, 0);
    const sleeperPid = (await tm.process('sleeper')).pid;
    assert.equal((await ctl(tm.socket, 'stop', 'sleeper')).code, 0);
    const all = await waitForDeliveries(record, 'sleeper STOPPED and a TICK_5', (list) => list.some((d) => eventName(d) === 'PROCESS_STATE_STOPPED') && list.some((d) => eventName(d) === 'TICK_5'));

    // As supervisord starts: each group is added, then the supervisor is RUNNING, then programs start.
    assert.deepEqual(all.slice(0, 5).map((d) => `${eventName(d)} ${d.payload}`.trim()), [
      'PROCESS_GROUP_ADDED groupname:mon',
      'PROCESS_GROUP_ADDED groupname:sleeper',
      'PROCESS_GROUP_ADDED groupname:talker',
      'SUPERVISOR_STATE_CHANGE_RUNNING',
      'PROCESS_STATE_STARTING processname:mon groupname:mon from_state:STOPPED tries:0',
    ]);
    const talkerPid = Number(/pid:(\d+)/.exec(all.find((d) => eventName(d) === 'PROCESS_STATE_RUNNING' && about('talker')(d))!.payload)![1]);
    assert.deepEqual(all.filter(about('talker')).map((d) => `${eventName(d)} ${d.payload}`), [
      'PROCESS_STATE_STARTING processname:talker groupname:talker from_state:STOPPED tries:0',
      `PROCESS_STATE_RUNNING processname:talker groupname:talker from_state:STARTING pid:${talkerPid}`,
      `PROCESS_LOG_STDOUT processname:talker groupname:talker pid:${talkerPid} channel:stdout\nhello\n`,
      `PROCESS_STATE_EXITED processname:talker groupname:talker from_state:RUNNING expected:0 pid:${talkerPid}`,
    ]);
    assert.deepEqual(all.filter(about('sleeper')).map((d) => `${eventName(d)} ${d.payload}`), [
      'PROCESS_STATE_STARTING processname:sleeper groupname:sleeper from_state:STOPPED tries:0',
      `PROCESS_STATE_RUNNING processname:sleeper groupname:sleeper from_state:STARTING pid:${sleeperPid}`,
      `PROCESS_STATE_STOPPING processname:sleeper groupname:sleeper from_state:RUNNING pid:${sleeperPid}`,
      `PROCESS_STATE_STOPPED processname:sleeper groupname:sleeper from_state:STOPPING pid:${sleeperPid}`,
    ]);
    // One header per delivery: serials count up from 0 in the pool and overall, the server is supervisord's default name.
    assert.deepEqual(all.map((d) => Number(d.headers['serial'])), all.map((_, index) => index));
    assert.deepEqual(all.map((d) => Number(d.headers['poolserial'])), all.map((_, index) => index));
    assert.ok(all.every((d) => d.headers['ver'] === '3.0' && d.headers['server'] === 'supervisor' && d.headers['pool'] === 'mon'));
    const tick = all.find((d) => eventName(d) === 'TICK_5')!;
    const when = Number(/^when:(\d+)$/.exec(tick.payload)![1]);
    assert.equal(when % 5, 0);
    assert.ok(Math.abs(when - Date.now() / 1000) < 60, `TICK_5 when:${when} is now`);
    // Its stdout is the protocol, not a log; its stderr is logged as any program's.
    assert.doesNotMatch(await tailOf(tm.socket, 'mon', 100, 'stdout'), /READY|RESULT/);
    assert.match(await tailOf(tm.socket, 'mon', 100, 'stderr'), /got PROCESS_STATE_EXITED serial \d+/);
  });

  it('sends an event again after RESULT FAIL, and a plain sh listener gets the same events', async (t) => {
    const records = await makeTempDir('tm-events-');
    const record = join(records, 'mon.jsonl');
    const shellRecord = join(records, 'sh.txt');
    const tm = await startFor(t, `
programs:
  mon:
    cmd: "${childutilsListener} ${record}"
    env: { FAIL_ONCE: PROCESS_STATE_EXITED }
    listener: { events: [PROCESS_STATE_EXITED] }
    starttime: 0
  shmon: { cmd: "${fixtures}/shell-listener.sh ${shellRecord}", listener: { events: [PROCESS_STATE_EXITED] }, starttime: 0 }
  job: { cmd: "sh -c 'exit 0'", autostart: false, autorestart: never, starttime: 0 }
`);
    await tm.waitForState('mon', 'RUNNING');
    await tm.waitForState('shmon', 'RUNNING');
    await ctl(tm.socket, 'start', 'job');
    const all = await waitForDeliveries(record, 'the EXITED event twice', (list) => list.length >= 2);
    assert.deepEqual(all.map((d) => [eventName(d), d.headers['serial'], d.headers['poolserial']]), [
      ['PROCESS_STATE_EXITED', '0', '0'],
      ['PROCESS_STATE_EXITED', '0', '0'],
    ]);
    assert.match(all[1]!.payload, /^processname:job groupname:job from_state:RUNNING expected:1 pid:\d+$/);
    await tm.waitForLog(/WARN mon: event was rejected/);
    const shellText = await waitFor(async () => {
      const text = await readFile(shellRecord, 'utf8').catch(() => '');
      return text.includes('--') ? text : undefined;
    }, 'the sh listener to record the event');
    assert.match(shellText, /^ver:3\.0 server:supervisor serial:0 pool:shmon poolserial:0 eventname:PROCESS_STATE_EXITED len:\d+\nprocessname:job groupname:job from_state:RUNNING expected:1 pid:\d+\n--\n$/);
  });

  it('tells tries in BACKOFF and STARTING of a program that fails to start, then FATAL', async (t) => {
    const records = await makeTempDir('tm-events-');
    const record = join(records, 'mon.jsonl');
    const tm = await startFor(t, `
programs:
  mon: { cmd: "${childutilsListener} ${record}", listener: { events: [PROCESS_STATE] }, starttime: 0 }
  flaky: { cmd: "sh -c 'exit 1'", autostart: false, starttime: 1s, startretries: 1 }
`);
    await waitForDeliveries(record, 'mon to hear itself RUNNING', (all) => all.some((d) => eventName(d) === 'PROCESS_STATE_RUNNING' && about('mon')(d)));
    await ctl(tm.socket, 'start', 'flaky');
    const all = await waitForDeliveries(record, 'flaky FATAL', (list) => list.some((d) => eventName(d) === 'PROCESS_STATE_FATAL'));
    // Taskmaster's machine goes FATAL from the last failed start; supervisord passes through a last BACKOFF first.
    assert.deepEqual(all.filter(about('flaky')).map((d) => `${eventName(d)} ${d.payload}`), [
      'PROCESS_STATE_STARTING processname:flaky groupname:flaky from_state:STOPPED tries:0',
      'PROCESS_STATE_BACKOFF processname:flaky groupname:flaky from_state:STARTING tries:1',
      'PROCESS_STATE_STARTING processname:flaky groupname:flaky from_state:BACKOFF tries:1',
      'PROCESS_STATE_FATAL processname:flaky groupname:flaky from_state:STARTING',
    ]);
  });

  it('discards the oldest events of a full buffer with supervisord\'s log line, and delivers the rest once the listener runs', async (t) => {
    const records = await makeTempDir('tm-events-');
    const record = join(records, 'mon.jsonl');
    const tm = await startFor(t, `
programs:
  mon: { cmd: "${childutilsListener} ${record}", listener: { events: [PROCESS_STATE_EXITED], buffer_size: 2 }, starttime: 0, autostart: false }
  job: { cmd: "sh -c 'exit 0'", numprocs: 4, autorestart: never, starttime: 0 }
  last: { cmd: "sh -c 'exit 0'", autostart: false, autorestart: never, starttime: 0 }
`);
    const log = await tm.waitForLog(/discarding event 1\b/);
    assert.match(log, /ERRO pool mon event buffer overflowed, discarding event 0\n/);
    assert.match(log, /ERRO pool mon event buffer overflowed, discarding event 1\n/);
    for (let index = 0; index < 4; index += 1) await tm.waitForState(`job:job_0${index}`, 'EXITED');
    await ctl(tm.socket, 'start', 'mon');
    await waitForDeliveries(record, 'the two events kept', (list) => list.length >= 2);
    // One more event after them: had anything else been kept, it would arrive before this one.
    await ctl(tm.socket, 'start', 'last');
    const all = await waitForDeliveries(record, 'the event of last', (list) => list.some(about('last')));
    assert.deepEqual(all.map((d) => d.headers['serial']), ['2', '3', '4']);
    assert.ok(all.slice(0, 2).every((d) => /^processname:job_0\d groupname:job from_state:RUNNING expected:1 pid:\d+$/.test(d.payload)));
  });

  it('restarts a listener that died with an event, and gives the event to its next run', async (t) => {
    const records = await makeTempDir('tm-events-');
    const record = join(records, 'mon.jsonl');
    const tm = await startFor(t, `
programs:
  mon: { cmd: "${childutilsListener} ${record}", env: { CRASH_ONCE: PROCESS_STATE_EXITED }, listener: { events: [PROCESS_STATE_EXITED] }, starttime: 0 }
  job: { cmd: "sh -c 'exit 0'", autostart: false, autorestart: never, starttime: 0 }
`);
    const first = await tm.waitForState('mon', 'RUNNING');
    await ctl(tm.socket, 'start', 'job');
    const all = await waitForDeliveries(record, 'the event again, then mon\'s own exit', (list) => list.length >= 3);
    assert.deepEqual(all.map((d) => `${d.headers['serial']} ${d.payload.replace(/pid:\d+/, 'pid:N')}`), [
      '0 processname:job groupname:job from_state:RUNNING expected:1 pid:N',
      '0 processname:job groupname:job from_state:RUNNING expected:1 pid:N',
      '1 processname:mon groupname:mon from_state:RUNNING expected:0 pid:N',
    ]);
    assert.equal(all[0]!.pid, first.pid);
    assert.notEqual(all[1]!.pid, first.pid, 'the resend went to the restarted listener');
    assert.match(all[2]!.payload, new RegExp(`pid:${first.pid}$`));
  });

  it('runs supervisord\'s own end-to-end listener (tests/fixtures/listener.py, issue 663) on TICK_5, with its protocol in the debug log', async (t) => {
    const tm = await startFor(t, `
log_level: debug
programs:
  listener: { cmd: "${python} ${supervisorFixtures}/listener.py", listener: { events: [TICK_5] }, startretries: 0, autorestart: never, starttime: 0 }
`);
    // Two ticks answered: supervisord's test waits for 'OKREADY' and 'BUSY -> ACKNOWLEDGED' twice.
    const log = await tm.waitForLog(/(BUSY -> ACKNOWLEDGED[^]*){2}/, 30_000);
    assert.match(log, /DEBG listener: ACKNOWLEDGED -> READY\n/);
    assert.match(log, /DEBG listener: READY -> BUSY\n/);
    assert.match(log, /DEBG 'listener' stdout output:\nRESULT 2\nOK/);
    // Its stderr (where it echoes each event) is its log, as for any program.
    assert.match(await tailOf(tm.socket, 'listener', 100, 'stderr'), /ver:3\.0 server:supervisor serial:0 pool:listener poolserial:0 eventname:TICK_5 len:15\nwhen:\d+/);
  });

  it('lets a one-line sh listener stop the supervisor when a program goes FATAL (supervisord\'s issue 733)', async () => {
    const dir = await makeTempDir('tm-events-');
    const tm = await RunningTaskmaster.start(`
programs:
  nonexistent: { cmd: "${dir}/nonexistent", starttime: 0, startretries: 0, autorestart: never }
  fatalexit:
    cmd: "sh -c 'while true; do printf \\"READY\\\\n\\"; read line; kill -15 $PPID; printf \\"RESULT 2\\\\n\\"; printf \\"OK\\"; done'"
    listener: { events: [PROCESS_STATE_FATAL] }
    starttime: 0
    startretries: 0
`, dir);
    try {
      assert.equal(await waitFor(async () => (tm.child.exitCode !== null ? { code: tm.child.exitCode } : undefined), 'taskmaster to exit on its SIGTERM', 30_000).then((exit) => exit.code), 0);
      const log = await tm.log();
      assert.match(log, /gave up: nonexistent entered FATAL state/);
      assert.match(log, /received SIGTERM indicating exit request/);
    } finally {
      await tm.stop();
    }
  });

  it('runs a crashmail-style listener unchanged: an unexpected exit is mailed, an expected one is not', async (t) => {
    const records = await makeTempDir('tm-events-');
    const mail = join(records, 'mail.txt');
    const tm = await startFor(t, `
programs:
  crashmail: { cmd: "${python} ${fixtures}/crashmail-like.py -m 'cat >> ${mail}'", listener: { events: [PROCESS_STATE_EXITED] }, starttime: 0 }
  fine: { cmd: "sh -c 'exit 0'", autostart: false, autorestart: never, starttime: 0 }
  crashy: { cmd: "sh -c 'sleep 0.2; exit 2'", autostart: false, autorestart: never, starttime: 0 }
`);
    await tm.waitForState('crashmail', 'RUNNING');
    await ctl(tm.socket, 'start', 'fine');
    await tm.waitForState('fine', 'EXITED');
    await ctl(tm.socket, 'start', 'crashy');
    const crashyPid = (await tm.process('crashy')).pid;
    const text = await waitFor(async () => {
      const body = await readFile(mail, 'utf8').catch(() => '');
      return body.includes('exited unexpectedly') ? body : undefined;
    }, 'the crash mail');
    assert.match(text, /^Subject: {2}crashy crashed at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\n\n/);
    assert.match(text, new RegExp(`Process crashy in group crashy exited unexpectedly \\(pid ${crashyPid}\\) from state RUNNING\\n$`));
    assert.doesNotMatch(text, /fine/);
  });

  it('loads the feature for a first listener added by a reload, which hears its own start and what follows', async (t) => {
    const records = await makeTempDir('tm-events-');
    const record = join(records, 'mon.jsonl');
    const keeper = '  keeper: { cmd: "sleep 1000", starttime: 0 }\n';
    const tm = await startFor(t, `programs:\n${keeper}`);
    await tm.waitForState('keeper', 'RUNNING');
    await tm.rewriteConfig(`programs:\n${keeper}  mon: { cmd: "${childutilsListener} ${record}", listener: { events: [PROCESS_STATE, PROCESS_GROUP] }, starttime: 0 }\n`);
    assert.equal((await ctl(tm.socket, 'reload')).code, 0);
    await waitForDeliveries(record, 'mon RUNNING', (list) => list.some((d) => eventName(d) === 'PROCESS_STATE_RUNNING'));
    assert.equal((await ctl(tm.socket, 'stop', 'keeper')).code, 0);
    const all = await waitForDeliveries(record, 'keeper STOPPED', (list) => list.some((d) => eventName(d) === 'PROCESS_STATE_STOPPED'));
    assert.deepEqual(all.map((d) => `${eventName(d)} ${d.payload.replace(/pid:\d+/, 'pid:N')}`.trim()), [
      'PROCESS_GROUP_ADDED groupname:mon',
      'PROCESS_STATE_STARTING processname:mon groupname:mon from_state:STOPPED tries:0',
      'PROCESS_STATE_RUNNING processname:mon groupname:mon from_state:STARTING pid:N',
      'PROCESS_STATE_STOPPING processname:keeper groupname:keeper from_state:RUNNING pid:N',
      'PROCESS_STATE_STOPPED processname:keeper groupname:keeper from_state:STOPPING pid:N',
    ]);
  });

  it('announces groups added and removed by a reload, REMOTE_COMMUNICATION, and SUPERVISOR_STATE_CHANGE_STOPPING before listeners stop', async (t) => {
    const dir = await makeTempDir('tm-events-');
    const record = join(dir, 'mon.jsonl');
    const yaml = (extra: string) => `
programs:
  mon: { cmd: "${childutilsListener} ${record}", listener: { events: [PROCESS_GROUP, REMOTE_COMMUNICATION, SUPERVISOR_STATE_CHANGE] }, starttime: 0 }
  slow: { cmd: "${fixtures}/ignore-term.sh", starttime: 0, stoptime: 2s }
${extra}`;
    const configFile = join(dir, 'taskmaster.yaml');
    await writeFile(configFile, yaml('  gone: { cmd: "sleep 1000", autostart: false }\n'));
    const supervisor = new Supervisor(await loadConfig(configFile, { socket: join(dir, 'unused.sock') }));
    let stopped = false;
    t.after(async () => {
      if (!stopped) await supervisor.shutdown();
    });
    supervisor.startAutostart();
    await waitForDeliveries(record, 'RUNNING', (list) => list.some((d) => eventName(d) === 'SUPERVISOR_STATE_CHANGE_RUNNING'));
    await writeFile(configFile, yaml('  extra: { cmd: "sleep 1000", autostart: false }\n'));
    assert.equal((await supervisor.reload()).ok, true);
    const message: RemoteCommunicationMessage = { type: 'remote_communication', eventType: 'deploy', data: 'version 2\nok' };
    supervisor.emit(remoteCommunicationEvent, message);
    await waitForDeliveries(record, 'the reload and the remote event', (list) => list.some((d) => eventName(d) === 'REMOTE_COMMUNICATION'));
    const monPid = supervisor.table.find(['mon'])[0]!.snapshot.pid!;
    await supervisor.shutdown();
    stopped = true;
    assert.ok(!isAlive(monPid));
    const all = await deliveries(record);
    assert.deepEqual(all.map((d) => `${eventName(d)} ${d.payload}`), [
      'PROCESS_GROUP_ADDED groupname:gone\n',
      'PROCESS_GROUP_ADDED groupname:mon\n',
      'PROCESS_GROUP_ADDED groupname:slow\n',
      'SUPERVISOR_STATE_CHANGE_RUNNING ',
      'PROCESS_GROUP_ADDED groupname:extra\n',
      'PROCESS_GROUP_REMOVED groupname:gone\n',
      'REMOTE_COMMUNICATION type:deploy\nversion 2\nok',
      'SUPERVISOR_STATE_CHANGE_STOPPING ',
    ]);
  });
});
