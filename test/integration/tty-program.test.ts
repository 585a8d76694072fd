import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApiClient } from '../../src/control/api-client.js';
import { encodeFrame, FrameReader } from '../../src/control/attach-frames.js';
import { fixtures, freePort, isAlive, makeTempDir, run, RunningTaskmaster, tailOf, waitFor } from '../helpers.js';
import { createSystemUser } from '../system-user.js';

/** An attach over the TCP listener, by hand: the upgrade response, or the refusal. */
function upgradeOnTcp(port: number, name: string, authorization?: string, extraHeaders: Record<string, string> = {}): Promise<{ refused: IncomingMessage } | { socket: Duplex; head: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({
      host: '127.0.0.1',
      port,
      path: `/v1/attach?name=${name}&cols=90&rows=20`,
      headers: { connection: 'Upgrade', upgrade: 'taskmaster-attach', ...(authorization ? { authorization } : {}), ...extraHeaders },
    });
    request.on('upgrade', (_response, socket, head) => resolve({ socket, head }));
    request.on('response', (refused) => resolve({ refused }));
    request.on('error', reject);
    request.end();
  });
}

describe('a program under tty: true', () => {
  it('sees a terminal on 0, 1 and 2, with TERM, a size, its umask and folder, and all it writes reaches its stdout file', async (t) => {
    const dir = await makeTempDir();
    const folder = join(dir, 'work');
    await mkdir(folder);
    const outFile = join(dir, 'report.out');
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  report: { cmd: "${join(fixtures, 'tty-report.py')}", tty: true, starttime: 0, umask: "027", workingdir: "${folder}", stdout: "${outFile}" }
`, dir);
    await tm.waitForState('report', 'RUNNING');
    const text = await waitFor(async () => {
      const content = await readFile(outFile, 'utf8').catch(() => '');
      return /on stderr/.test(content) ? content : undefined;
    }, 'the report in the output file');
    assert.match(text, /^tty True True True True\r$/m);
    assert.match(text, /^term xterm-256color size 80 24\r$/m);
    assert.match(text, new RegExp(`^umask 0o27 cwd ${folder} leader True\\r$`, 'm'));
    // The terminal turns \n into \r\n: the file holds the program's terminal output as it was.
    assert.match(text, /^on stderr\r$/m);
  });

  it('runs as its user: through setpriv, with the user\'s uid and groups, on a terminal of its own', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
    const user = await createSystemUser('tty', 1);
    let tm: RunningTaskmaster | undefined;
    try {
      const dir = await makeTempDir();
      tm = await RunningTaskmaster.start(`
programs:
  report: { cmd: "${join(fixtures, 'tty-report.py')}", tty: true, starttime: 0, user: ${user.name}, workingdir: / }
`, dir);
      const { pid } = await tm.waitForState('report', 'RUNNING');
      const text = await waitFor(async () => {
        const content = await tailOf(tm!.socket, 'report');
        return /on stderr/.test(content) ? content : undefined;
      }, 'the report of the dropped process');
      assert.match(text, new RegExp(`^user ${user.name} ${user.uid}\\r$`, 'm'));
      assert.match(text, /^tty True True True True\r$/m);
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      assert.match(status, new RegExp(`^Uid:\\s+${user.uid}\\s`, 'm'));
      const expectedGroups = (await run('id', ['-G', user.name])).stdout.trim().split(' ').sort().join(' ');
      assert.equal((/^Groups:\s*(.*)$/m.exec(status)?.[1] ?? '').trim().split(/\s+/).sort().join(' '), expectedGroups);
    } finally {
      await tm?.stop();
      await user.remove();
    }
  });

  it('stops with its stopsignal sent to its process group, and reports its exit status', async (t) => {
    const dir = await makeTempDir();
    const grandchildPidFile = join(dir, 'grandchild.pid');
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  family: { cmd: "${join(fixtures, 'spawn-grandchild.sh')}", tty: true, starttime: 0, stoptime: 5s, env: { GRANDCHILD_PID_FILE: "${grandchildPidFile}" } }
  exits: { cmd: "${join(fixtures, 'exit-with.sh')} 0 3", tty: true, starttime: 0, autorestart: never }
`, dir);
    await tm.waitForState('family', 'RUNNING');
    const grandchild = Number(await waitFor(async () => (await readFile(grandchildPidFile, 'utf8').catch(() => '')).trim(), 'the grandchild pid'));
    assert.ok(isAlive(grandchild));
    const results = await new ApiClient(tm.socket).stop(['family']);
    assert.equal(results[0]?.state, 'STOPPED');
    assert.match(await tm.log(), /stopped: family \(terminated by SIGTERM\)/);
    await waitFor(() => !isAlive(grandchild), 'the grandchild in its group to be gone');
    const exits = await tm.waitForState('exits', 'EXITED');
    assert.equal(exits.exitCode, 3);
  });

  it('is the only kind fg attaches a terminal to, and the TCP listener asks for credentials and a same-site origin before attaching', async (t) => {
    const port = await freePort();
    const password = `pw-${randomBytes(4).toString('hex')}`;
    const tm = await RunningTaskmaster.startFor(t, `
http: { listen: "127.0.0.1:${port}", username: admin, password: "${password}" }
programs:
  repl: { cmd: "python3 -i -q", tty: true, starttime: 0 }
  plain: { cmd: "sleep 1000", starttime: 0 }
`);
    await tm.waitForState('repl', 'RUNNING');
    await tm.waitForState('plain', 'RUNNING');
    const viewer = { output: () => {}, role: () => {}, ended: () => {} };
    await assert.rejects(new ApiClient(tm.socket).attachTerminal('plain', { cols: 80, rows: 24 }, viewer), { code: 'E_NOT_A_TERMINAL' });

    const refused = await upgradeOnTcp(port, 'repl');
    assert.ok('refused' in refused);
    assert.equal(refused.refused.statusCode, 401);
    refused.refused.resume();

    const authorization = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
    // A page on another site must not type into a program, even with the credentials cached by the browser.
    const foreign = await upgradeOnTcp(port, 'repl', authorization, { origin: 'http://evil.example' });
    assert.ok('refused' in foreign);
    assert.equal(foreign.refused.statusCode, 403);
    foreign.refused.resume();

    const attached = await upgradeOnTcp(port, 'repl', authorization);
    assert.ok('socket' in attached);
    const reader = new FrameReader();
    let screen = '';
    let typing: string | null = null;
    const onData = (chunk: Buffer): void => {
      for (const frame of reader.push(chunk)) {
        if (frame.type === 'output') screen += frame.payload.toString('utf8');
        if (frame.type === 'role') typing = frame.payload.toString('utf8');
      }
    };
    attached.socket.on('data', onData);
    onData(attached.head);
    try {
      attached.socket.write(encodeFrame('input', Buffer.from('import os; os.get_terminal_size(); 6*7\r')));
      await waitFor(() => /columns=90, lines=20\)\r\n42/.test(screen), 'the REPL to answer over TCP, at the attach size');
      assert.equal(typing, '{"typing":true}');
    } finally {
      attached.socket.destroy();
    }
  });
});
