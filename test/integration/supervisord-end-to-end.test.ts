import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { run, RunningTaskmaster, waitFor } from '../helpers.js';
import { supervisorctl, supervisorctlBin } from '../supervisorctl.js';

// supervisord's own end-to-end tests (supervisor/tests/test_end_to_end.py, tag 4.2.5) that concern
// supervisorctl and XML-RPC, ported with Taskmaster in supervisord's place (YAML until the INI reader lands).

/** Starts a client in its own process group and collects its output until `until` holds, then kills that group (a pipeline included). */
async function watchClient(command: string, args: readonly string[], until: (output: string) => boolean, what: string): Promise<string> {
  const client = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  client.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
  try {
    await waitFor(() => until(output), what, 30_000);
    return output;
  } finally {
    process.kill(-client.pid!, 'SIGKILL');
  }
}

function tmux(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => execFile('/usr/bin/tmux', args, { timeout: 30_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout))));
}

describe("supervisord's end-to-end tests that concern supervisorctl and XML-RPC", () => {
  it('issue 550: tail -100000 shows the whole output of a process that has exited', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  print_env: { cmd: "sh -c 'echo THIS_SHOULD=$THIS_SHOULD'", env: { THIS_SHOULD: BE_IN_CHILD_ENV }, starttime: 0, startretries: 0, autorestart: false }
`);
    await tm.waitForState('print_env', 'EXITED');
    const tail = await supervisorctl(tm.socket, 'tail -100000', 'print_env');
    assert.match(tail.stdout, /THIS_SHOULD=BE_IN_CHILD_ENV/);
  });

  it('issue 565: tail -f works on a log with Unicode characters', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  hello: { cmd: "sh -c 'n=0; while [ $n -lt 10 ]; do n=$((n+1)); echo \\"The Øresund bridge ends in Malmö - $n\\"; sleep 0.3; done'", startretries: 0, autorestart: false, starttime: 0 }
`);
    const output = await watchClient(supervisorctlBin, ['-s', `unix://${tm.socket}`, 'tail', '-f', 'hello'], (text) => text.includes('Malmö - 3'), 'the Unicode lines');
    for (const n of [1, 2, 3]) assert.ok(output.includes(`The Øresund bridge ends in Malmö - ${n}`), output);
  });

  it('issue 835: sendProcessStdin delivers Unicode text to the process', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  cat: { cmd: /bin/cat, startretries: 0, autorestart: false, starttime: 0 }
`);
    await tm.waitForState('cat', 'RUNNING');
    const script = `import xmlrpc.client as x, time
from supervisor.xmlrpc import SupervisorTransport
transport = SupervisorTransport('', '', 'unix://${tm.socket}')
server = x.ServerProxy('http://anything/RPC2', transport)
try:
    for s in ('The Øresund bridge ends in Malmö\\n', 'hello\\n'):
        assert server.supervisor.sendProcessStdin('cat', s) is True
        deadline = time.time() + 30
        while s not in server.supervisor.readProcessStdoutLog('cat', 0, 0):
            assert time.time() < deadline, 'not echoed: ' + s
            time.sleep(0.05)
finally:
    transport.connection.close()
print('seen')
`;
    const result = await run('/usr/bin/python3', ['-c', script], { timeoutMs: 60_000 });
    assert.equal(result.stdout, 'seen\n', result.stderr);
  });

  it('issue 836: fg sends what is typed to the process and shows what it writes back', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  cat: { cmd: /bin/cat, startretries: 0, autorestart: false, starttime: 0 }
`);
    await tm.waitForState('cat', 'RUNNING');
    const server = `tm-fg-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    await tmux(['-L', server, '-f', '/dev/null', 'new-session', '-d', '-x', '200', '-y', '50', `${supervisorctlBin} -s unix://${tm.socket} fg cat`]);
    t.after(() => tmux(['-L', server, 'kill-server']).catch(() => undefined));
    const screen = (): Promise<string> => tmux(['-L', server, 'capture-pane', '-p']);
    await waitFor(async () => (await screen()).includes('==> Press Ctrl-C to exit <=='), 'fg to start');
    for (const line of ['Hi', 'Hello', 'The Øresund bridge ends in Malmö']) {
      await tmux(['-L', server, 'send-keys', '-l', line]);
      await tmux(['-L', server, 'send-keys', 'Enter']);
      // Once echoed by the terminal, once sent back by the process.
      await waitFor(async () => (await screen()).split(line).length - 1 >= 2, `${line} to come back`);
    }
    await tmux(['-L', server, 'send-keys', 'C-c']);
    await waitFor(async () => (await screen()).includes('Exiting foreground') || (await tmux(['-L', server, 'list-sessions']).catch(() => '')) === '', 'fg to exit on Ctrl-C');
  });

  it('issue 1054: avail lists a program in use', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  cat: { cmd: /bin/cat, starttime: 0 }
`);
    await tm.waitForState('cat', 'RUNNING');
    assert.match((await supervisorctl(tm.socket, 'avail')).stdout, /cat\s+in use\s+auto/);
  });

  it('issue 1231a: tail -f works on a log with a Unicode ellipsis', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  hello: { cmd: "sh -c 'i=1; while [ $i -lt 500 ]; do echo \\"INFO $i - hash=57d94b…381088\\"; i=$((i+1)); sleep 0.2; done'", starttime: 0 }
`);
    const output = await watchClient(supervisorctlBin, ['-s', `unix://${tm.socket}`, 'tail', '-f', 'hello'], (text) => text.includes('3 - hash='), 'three lines');
    for (const n of [1, 2, 3]) assert.ok(output.includes(`${n} - hash=57d94b…381088`), output);
  });

  it('issue 1298: tail -f piped into another program keeps working', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  spew: { cmd: "sh -c 'c=0; while [ $c -lt 30000 ]; do echo \\"more spewage $c\\"; c=$((c+1)); sleep 0.01; done'", starttime: 0 }
`);
    await tm.waitForState('spew', 'RUNNING');
    const output = await watchClient('/bin/sh', ['-c', `exec ${supervisorctlBin} -s unix://${tm.socket} tail -f spew | /bin/cat -u`], (text) => /spewage \d*2/.test(text), 'spewage through the pipe');
    assert.match(output, /spewage/);
  });

  it('issue 1483a: getIdentification gives the default identifier', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, 'programs: {}\n');
    const script = `import xmlrpc.client as x
from supervisor.xmlrpc import SupervisorTransport
transport = SupervisorTransport('', '', 'unix://${tm.socket}')
try:
    print(x.ServerProxy('http://transport.ignores.host/RPC2', transport).supervisor.getIdentification())
finally:
    transport.close()
`;
    assert.equal((await run('/usr/bin/python3', ['-c', script], { timeoutMs: 60_000 })).stdout, 'supervisor\n');
  });
});
