import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixtures, freePort, run, RunningTaskmaster, waitFor } from '../helpers.js';
import { supervisorctlBin } from '../supervisorctl.js';

/** Runs Python with supervisor's own transport bound to `proxy`, and returns what the script printed as JSON. */
async function python<T>(serverUrl: string, body: string, credentials: [string, string] | null = null): Promise<T> {
  const script = `import json, sys, xmlrpc.client as x
from supervisor.xmlrpc import SupervisorTransport
transport = SupervisorTransport(${credentials ? `'${credentials[0]}', '${credentials[1]}'` : 'None, None'}, '${serverUrl}')
proxy = x.ServerProxy('http://127.0.0.1', transport=transport)
def fault(call):
    try:
        return ['ok', call()]
    except x.Fault as error:
        return [error.faultCode, error.faultString]
    except x.ProtocolError as error:
        return ['protocol', error.errcode]
${body}
`;
  const result = await run('/usr/bin/python3', ['-c', script], { timeoutMs: 60_000 });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

const unix = (tm: RunningTaskmaster): string => `unix://${tm.socket}`;

describe('XML-RPC from Python through supervisor.xmlrpc.SupervisorTransport', () => {
  it('answers supervisord methods with its shapes, faults and multicall', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  web: { cmd: "sleep 1000", starttime: 0 }
  idle: { cmd: "sleep 1000", autostart: false }
`);
    await tm.waitForState('web', 'RUNNING');
    const answers = await python<Record<string, unknown>>(unix(tm), `print(json.dumps({
  'version': proxy.supervisor.getVersion(),
  'api': proxy.supervisor.getAPIVersion(),
  'state': proxy.supervisor.getState(),
  'pid': proxy.supervisor.getPID(),
  'info': proxy.supervisor.getProcessInfo('web'),
  'all': [info['name'] for info in proxy.supervisor.getAllProcessInfo()],
  'badName': fault(lambda: proxy.supervisor.getProcessInfo('nosuch')),
  'unknownMethod': fault(lambda: proxy.supervisor.noSuchMethod()),
  'private': fault(lambda: proxy.supervisor._private()),
  'params': fault(lambda: proxy.supervisor.getProcessInfo()),
  'alreadyStarted': fault(lambda: proxy.supervisor.startProcess('web')),
  'notRunning': fault(lambda: proxy.supervisor.stopProcess('idle')),
  'badSignal': fault(lambda: proxy.supervisor.signalProcess('web', 'NOPE')),
  'badArguments': fault(lambda: proxy.supervisor.readLog(-10, 5)),
  'multicall': proxy.system.multicall([{'methodName': 'supervisor.getAPIVersion', 'params': []}, {'methodName': 'supervisor.stopProcess', 'params': ['idle']}, {'methodName': 'system.multicall', 'params': [[]]}, {}]),
  'signature': proxy.system.methodSignature('supervisor.tailProcessStdoutLog'),
  'help': proxy.system.methodHelp('supervisor.getPID'),
  'noSignature': fault(lambda: proxy.system.methodSignature('nope.nope')),
  'methods': proxy.system.listMethods(),
  'start': proxy.supervisor.startProcess('idle'),
  'stopGroup': proxy.supervisor.stopProcessGroup('idle'),
  'startNoWait': proxy.supervisor.startProcess('idle', False),
  'remote': proxy.supervisor.sendRemoteCommEvent('my-type', 'some data'),
}))`);
    assert.equal(answers['version'], '3.0');
    assert.equal(answers['api'], '3.0');
    assert.deepEqual(answers['state'], { statecode: 1, statename: 'RUNNING' });
    assert.equal(answers['pid'], tm.child.pid);
    const info = answers['info'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(info).sort(), ['description', 'exitstatus', 'group', 'logfile', 'name', 'now', 'pid', 'spawnerr', 'start', 'state', 'statename', 'stderr_logfile', 'stdout_logfile', 'stop'].sort());
    assert.equal(info['state'], 20);
    assert.equal(info['statename'], 'RUNNING');
    assert.equal(info['group'], 'web');
    assert.match(String(info['description']), /^pid \d+, uptime 0:00:\d\d$/);
    assert.deepEqual(answers['all'], ['idle', 'web']);
    assert.deepEqual(answers['badName'], [10, 'BAD_NAME: nosuch']);
    assert.deepEqual(answers['unknownMethod'], [1, 'UNKNOWN_METHOD']);
    assert.deepEqual(answers['private'], [1, 'UNKNOWN_METHOD']);
    assert.deepEqual(answers['params'], [2, 'INCORRECT_PARAMETERS']);
    assert.deepEqual(answers['alreadyStarted'], [60, 'ALREADY_STARTED: web']);
    assert.deepEqual(answers['notRunning'], [70, 'NOT_RUNNING: idle']);
    assert.deepEqual(answers['badSignal'], [11, 'BAD_SIGNAL: NOPE']);
    assert.deepEqual(answers['badArguments'], [3, 'BAD_ARGUMENTS']);
    assert.deepEqual(answers['multicall'], [
      '3.0',
      { faultCode: 70, faultString: 'NOT_RUNNING: idle' },
      { faultCode: 2, faultString: 'INCORRECT_PARAMETERS: Recursive system.multicall forbidden' },
      { faultCode: 2, faultString: 'INCORRECT_PARAMETERS: No methodName' },
    ]);
    assert.deepEqual(answers['signature'], ['array', 'string', 'int', 'int']);
    assert.match(String(answers['help']), /PID/);
    assert.deepEqual(answers['noSignature'], [4, 'SIGNATURE_UNSUPPORTED']);
    assert.ok((answers['methods'] as string[]).includes('supervisor.getAllConfigInfo'));
    assert.ok((answers['methods'] as string[]).includes('system.multicall'));
    assert.equal(answers['start'], true);
    assert.deepEqual(answers['stopGroup'], [{ name: 'idle', group: 'idle', status: 80, description: 'OK' }]);
    assert.equal(answers['startNoWait'], true);
    assert.equal(answers['remote'], true);
    await tm.waitForState('idle', 'RUNNING');
  });

  it('reads and tails logs by byte offset, with ANSI escapes stripped, invalid UTF-8 replaced and big integers clamped', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  colour: { cmd: "${join(fixtures, 'awkward-output.sh')}", starttime: 0, stdout_maxbytes: 5GB, redirect_stderr: true }
`);
    await waitFor(async () => (await tm.status())[0]?.state === 'RUNNING', 'colour to run');
    const answers = await python<Record<string, unknown>>(unix(tm), `import time
deadline = time.time() + 15
while time.time() < deadline and '0123456789' not in proxy.supervisor.readProcessStdoutLog('colour', 0, 0):
    time.sleep(0.05)
print(json.dumps({
  'all': proxy.supervisor.readProcessStdoutLog('colour', 0, 0),
  'last': proxy.supervisor.readProcessStdoutLog('colour', -11, 0),
  'slice': proxy.supervisor.readProcessStdoutLog('colour', 0, 4),
  'tail': proxy.supervisor.tailProcessStdoutLog('colour', 0, 5),
  'tailAtEnd': proxy.supervisor.tailProcessStdoutLog('colour', 100, 5),
  'tailAll': proxy.supervisor.tailProcessStdoutLog('colour', 0, 1000),
  'noFile': fault(lambda: proxy.supervisor.readProcessStderrLog('colour', 0, 0)),
  'tailNoFile': proxy.supervisor.tailProcessStderrLog('colour', 0, 10),
  'mainLog': proxy.supervisor.readLog(0, 0),
  'maxBytes': proxy.supervisor.getAllConfigInfo()[0]['stdout_logfile_maxbytes'],
}))`);
    assert.equal(answers['all'], 'red \ufffd tab\tcr\r\n0123456789\n');
    assert.equal(answers['last'], '0123456789\n');
    // Raw bytes: four of them are the start of the colour escape, which XML cannot carry: replaced.
    assert.equal(answers['slice'], '\ufffd[31');
    const size = Buffer.byteLength('\x1b[31mred\x1b[0m \xff tab\tcr\r\n0123456789\n', 'latin1');
    assert.deepEqual(answers['tail'], ['6789\n', size, true]);
    assert.deepEqual(answers['tailAtEnd'], ['', size, false]);
    assert.deepEqual(answers['tailAll'], [answers['all'], size, false]);
    assert.equal((answers['noFile'] as unknown[])[0], 20);
    assert.deepEqual(answers['tailNoFile'], ['', 0, false]);
    assert.match(String(answers['mainLog']), /colour/);
    assert.equal(answers['maxBytes'], 2 ** 31 - 1);
  });

  it('keeps one client connection working across a pause longer than the keep-alive and idle timeouts', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, 'programs: {}\n');
    // SupervisorTransport keeps its connection and never retries one the server closed (fg, update and scripts reuse it).
    const answers = await python<unknown[]>(unix(tm), `import time
first = proxy.supervisor.getPID()
connection = transport.connection
time.sleep(12)
print(json.dumps([first, proxy.supervisor.getPID(), transport.connection is connection]))`);
    assert.deepEqual(answers, [tm.child.pid, tm.child.pid, true]);
  });

  it('writes to a process stdin and refuses it for a stopped one', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  echo: { cmd: "cat", starttime: 0 }
  idle: { cmd: "cat", autostart: false }
`);
    await tm.waitForState('echo', 'RUNNING');
    const answers = await python<unknown[]>(unix(tm), `import time
proxy.supervisor.sendProcessStdin('echo', 'héllo stdin\\n')
deadline = time.time() + 15
while time.time() < deadline and 'stdin' not in proxy.supervisor.readProcessStdoutLog('echo', 0, 0):
    time.sleep(0.05)
print(json.dumps([proxy.supervisor.readProcessStdoutLog('echo', 0, 0), fault(lambda: proxy.supervisor.sendProcessStdin('idle', 'x'))]))`);
    assert.deepEqual(answers, ['héllo stdin\n', [70, 'NOT_RUNNING: idle']]);
  });

  it('on TCP, refuses calls without credentials (401 with WWW-Authenticate) and serves them with', async (t) => {
    const port = await freePort();
    const tm = await RunningTaskmaster.startFor(t, `
http: { listen: 127.0.0.1:${port}, username: admin, password: s3cret }
programs:
  web: { cmd: "sleep 1000", starttime: 0 }
`);
    await tm.waitForState('web', 'RUNNING');
    const refused = await new Promise<{ status: number; authenticate: string | undefined }>((resolve, reject) => {
      const body = "<?xml version='1.0'?><methodCall><methodName>supervisor.getPID</methodName><params></params></methodCall>";
      const outgoing = request({ host: '127.0.0.1', port, method: 'POST', path: '/RPC2', headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) } }, (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, authenticate: response.headers['www-authenticate'] });
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
    assert.equal(refused.status, 401);
    assert.match(refused.authenticate ?? '', /^Basic realm=/);
    const url = `http://127.0.0.1:${port}`;
    assert.deepEqual(await python(url, `print(json.dumps(fault(lambda: proxy.supervisor.getPID())))`), ['protocol', 401]);
    assert.deepEqual(await python(url, `print(json.dumps(fault(lambda: proxy.supervisor.getPID())))`, ['admin', 'wrong']), ['protocol', 401]);
    assert.deepEqual(await python(url, `print(json.dumps(proxy.supervisor.getPID()))`, ['admin', 's3cret']), tm.child.pid);
    const status = await run(supervisorctlBin, ['-s', url, '-u', 'admin', '-p', 's3cret', 'status', 'web'], { timeoutMs: 60_000 });
    assert.equal(status.code, 0, status.stdout);
    assert.match(status.stdout, /^web\s+RUNNING/m);
    const follower = await run('/usr/bin/timeout', ['-s', 'KILL', '3', supervisorctlBin, '-s', url, '-u', 'admin', '-p', 's3cret', 'maintail', '-f'], { timeoutMs: 60_000 });
    assert.match(follower.stdout, /spawned: 'web'/);
    const anonymous = await run(supervisorctlBin, ['-s', url, 'status'], { timeoutMs: 60_000 });
    assert.match(anonymous.stdout, /Server requires authentication/);
  });
});
