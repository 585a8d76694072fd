import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixtures, makeTempDir, run, RunningTaskmaster, taskmasterBin, waitFor } from '../helpers.js';

interface Datagram {
  readonly at: number;
  readonly message: string;
}

/** A python3 receiver on a real AF_UNIX datagram socket, standing in for systemd's NOTIFY_SOCKET. */
async function startReceiver(dir: string): Promise<{ path: string; datagrams: Datagram[]; child: ChildProcess }> {
  const path = join(dir, 'notify.sock');
  const child = spawn('python3', [join(fixtures, 'notify-receiver.py'), path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const datagrams: Datagram[] = [];
  let listening = false;
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    buffered += text;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      const parsed = JSON.parse(line) as Datagram & { listening?: string };
      if (parsed.listening) listening = true;
      else datagrams.push(parsed);
    }
  });
  await waitFor(() => listening, 'the notify receiver to bind');
  return { path, datagrams, child };
}

const config = `
programs:
  quick:
    cmd: "sleep 1000"
    starttime: 0
  slow:
    cmd: "sleep 1000"
    starttime: 2s
  later:
    cmd: "sleep 1000"
    autostart: false
`;

async function checkNotify(via: 'addon' | 'systemd-notify'): Promise<void> {
  const dir = await makeTempDir('tm-notify-');
  const receiver = await startReceiver(dir);
  const startedAt = Date.now();
  const env = { ...process.env, NOTIFY_SOCKET: receiver.path, WATCHDOG_USEC: '600000', TASKMASTER_NOTIFY_VIA: via === 'addon' ? '' : 'systemd-notify' };
  const tm = await RunningTaskmaster.start(config, dir, env);
  try {
    await tm.waitForLog(new RegExp(`NOTIFY_SOCKET is set: .*\\(via ${via}\\)`));
    const ready = await waitFor(() => receiver.datagrams.find((datagram) => datagram.message.split('\n').includes('READY=1')), 'READY=1', 20_000);
    // slow counts as RUNNING only after its 2s starttime: READY=1 must not come before.
    assert.ok(ready.at - startedAt >= 1_900, `READY=1 came ${ready.at - startedAt} ms after the start, before slow's starttime`);
    const states = Object.fromEntries((await tm.status()).map((process) => [process.name, process.state]));
    assert.deepEqual(states, { quick: 'RUNNING', slow: 'RUNNING', later: 'STOPPED' });
    assert.match(ready.message, new RegExp(`MAINPID=${tm.child.pid}`));
    // Half of WATCHDOG_USEC: a ping every 300 ms while the supervisor turns.
    await waitFor(() => receiver.datagrams.filter((datagram) => datagram.message.split('\n').includes('WATCHDOG=1')).length >= 3, 'three WATCHDOG=1', 10_000);
    assert.equal(receiver.datagrams.filter((datagram) => datagram.message.includes('READY=1')).length, 1, 'READY=1 is sent once');
    // A reload is framed by RELOADING=1 (with the monotonic clock, as systemd requires) and READY=1.
    const seenBefore = receiver.datagrams.length;
    const clockBefore = process.hrtime.bigint() / 1000n;
    tm.child.kill('SIGHUP');
    const fields = (datagram: Datagram): string[] => datagram.message.split('\n');
    const reloading = await waitFor(() => receiver.datagrams.slice(seenBefore).find((datagram) => fields(datagram).includes('RELOADING=1')), 'RELOADING=1');
    const monotonicUsec = BigInt(/^MONOTONIC_USEC=(\d+)$/m.exec(reloading.message)?.[1] ?? '0');
    assert.ok(monotonicUsec >= clockBefore && monotonicUsec <= process.hrtime.bigint() / 1000n, `MONOTONIC_USEC=${monotonicUsec} is not CLOCK_MONOTONIC now`);
    const afterReloading = receiver.datagrams.indexOf(reloading);
    await waitFor(() => receiver.datagrams.slice(afterReloading + 1).some((datagram) => fields(datagram).includes('READY=1')), 'READY=1 after the reload');
    await tm.waitForLog(/reload: added: none; changed: none; removed: none/);
    assert.equal(await tm.stop(), 0);
    await waitFor(() => receiver.datagrams.some((datagram) => datagram.message.includes('STOPPING=1')), 'STOPPING=1');
  } finally {
    if (tm.child.exitCode === null) await tm.stop();
    receiver.child.kill('SIGTERM');
  }
}

describe('systemd integration', () => {
  it('sends READY=1 once every autostart program is RUNNING, then WATCHDOG=1, through the native addon', () => checkNotify('addon'));

  it('does the same through systemd-notify when the addon is not used', () => checkNotify('systemd-notify'));

  it('install-service writes a Type=notify unit for taskmaster itself that systemd-analyze verify accepts', async () => {
    const dir = await makeTempDir('tm-install-');
    const configFile = join(dir, 'taskmaster.yaml');
    await writeFile(configFile, 'programs:\n  slow: { cmd: "sleep 1000", stoptime: 40s }\n');
    const result = await run(process.execPath, [taskmasterBin, 'install-service', '-c', configFile, '--out', dir, '--name', 'tm-test']);
    assert.equal(result.code, 0, result.stderr);
    const unit = await readFile(join(dir, 'tm-test.service'), 'utf8');
    assert.match(unit, /^Type=notify$/m);
    assert.match(unit, /^NotifyAccess=all$/m);
    assert.match(unit, /^TimeoutStopSec=45s$/m, 'systemd waits for the slowest stoptime before its SIGKILL');
    assert.ok(unit.includes(`ExecStart=${process.execPath} ${taskmasterBin} --no-shell -c ${configFile}`), unit);
    const verify = await run('systemd-analyze', ['verify', join(dir, 'tm-test.service')], { timeoutMs: 60_000 });
    assert.equal(verify.code, 0, verify.stderr);
    assert.equal(verify.stderr.trim(), '');
  });
});
