import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { answers, fixtures, makeTempDir, run, taskmasterBin, waitFor } from '../helpers.js';

const python = '/usr/bin/python3';

interface Delivery {
  readonly headers: Record<string, string>;
  readonly payload: string;
}

/** A supervisord config in a fresh folder with one program and a childutils listener that records what it hears. */
async function startIni(t: TestContext, programs: string, args: readonly string[] = [], settings = '') {
  const dir = await makeTempDir('tm-rpc-details-');
  const file = join(dir, 'supervisord.conf');
  const record = join(dir, 'heard.jsonl');
  await writeFile(file, `[unix_http_server]
file=%(here)s/supervisor.sock

[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s
${settings}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

${programs}
[eventlistener:hear]
command=${python} ${fixtures}/childutils-listener.py ${record}
events=PROCESS_STATE_RUNNING,PROCESS_COMMUNICATION
`);
  const child = spawn(process.execPath, [taskmasterBin, '-c', file, '-n', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  });
  const socket = join(dir, 'supervisor.sock');
  await waitFor(async () => (await answers(socket)) || child.exitCode !== null, 'the socket to answer', 30_000);
  if (child.exitCode !== null) throw new Error(`taskmaster exited at start: ${stderr}`);
  const heard = async (): Promise<Delivery[]> =>
    (await readFile(record, 'utf8').catch(() => ''))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Delivery);
  const hearing = (what: string, test: (deliveries: Delivery[]) => boolean): Promise<Delivery[]> =>
    waitFor(async () => {
      const deliveries = await heard();
      return test(deliveries) ? deliveries : undefined;
    }, what, 30_000);
  return { dir, socket, log: join(dir, 'supervisord.log'), hearing };
}

/** Runs Python with supervisor's own transport on the socket and returns what the script printed as JSON. */
async function rpc<T>(socket: string, body: string): Promise<T> {
  const script = `import json, sys, xmlrpc.client as x
from supervisor.xmlrpc import SupervisorTransport
proxy = x.ServerProxy('http://127.0.0.1', transport=SupervisorTransport(None, None, 'unix://${socket}'))
def fault(call):
    try:
        return ['ok', call()]
    except x.Fault as error:
        return [error.faultCode, error.faultString]
${body}
`;
  const result = await run(python, ['-c', script], { timeoutMs: 60_000 });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

describe('supervisord details over XML-RPC and to event listeners', () => {
  it('says the -i identifier in getIdentification and in the server: of every event header', async (t) => {
    const tm = await startIni(t, '[program:web]\ncommand=/bin/sleep 300\nstartsecs=0\n', ['-i', 'box-7']);
    const deliveries = await tm.hearing('the listener to hear web RUNNING', (all) => all.some((one) => one.payload.includes('processname:web')));
    assert.deepEqual([...new Set(deliveries.map((one) => one.headers['server']))], ['box-7']);
    assert.equal(await rpc<string>(tm.socket, 'print(json.dumps(proxy.supervisor.getIdentification()))'), 'box-7');
  });

  it('says identifier= of [supervisord], and `supervisor` without it', async (t) => {
    const tm = await startIni(t, '[program:web]\ncommand=/bin/sleep 300\nstartsecs=0\n', [], 'identifier=from-file');
    await tm.hearing('the listener to hear web RUNNING', (all) => all.some((one) => one.payload.includes('processname:web') && one.headers['server'] === 'from-file'));
    const plain = await startIni(t, '[program:web]\ncommand=/bin/sleep 300\nstartsecs=0\n');
    const deliveries = await plain.hearing('the listener to hear web RUNNING', (all) => all.some((one) => one.payload.includes('processname:web')));
    assert.equal(deliveries[0]!.headers['server'], 'supervisor');
    assert.equal(await rpc<string>(plain.socket, 'print(json.dumps(proxy.supervisor.getIdentification()))'), 'supervisor');
  });

  it('serves every method of supervisor 4.2.5\'s rpcinterface, and clearLog removes the main log and reopens it', async (t) => {
    const tm = await startIni(t, '[program:web]\ncommand=/bin/sleep 300\nstartsecs=0\n');
    await tm.hearing('the listener to hear web RUNNING', (all) => all.some((one) => one.payload.includes('processname:web')));
    const answersOf = await rpc<{ missing: string[]; before: string; cleared: unknown; after: string; main: string }>(
      tm.socket,
      `from supervisor.rpcinterface import SupervisorNamespaceRPCInterface as I
listed = set(proxy.system.listMethods())
theirs = ['supervisor.' + name for name in dir(I) if not name.startswith('_') and callable(getattr(I, name))]
before = proxy.supervisor.readLog(0, 0)
cleared = proxy.supervisor.clearLog()
print(json.dumps({'missing': sorted(set(theirs) - listed), 'before': before, 'cleared': cleared, 'after': proxy.supervisor.readLog(0, 0), 'main': proxy.supervisor.readMainLog(0, 0)}))`,
    );
    assert.deepEqual(answersOf.missing, []);
    assert.match(answersOf.before, /success: web entered RUNNING state/);
    assert.equal(answersOf.cleared, true);
    assert.doesNotMatch(answersOf.after, /entered RUNNING state/);
    assert.match(answersOf.after, /^\S+ \S+ INFO reopening log file\n/);
    assert.match(answersOf.main, /reopening log file/);
    const onDisk = await readFile(tm.log, 'utf8');
    assert.doesNotMatch(onDisk, /spawned: 'web'/);
    await rm(tm.log);
    const gone = await rpc<unknown[]>(tm.socket, 'print(json.dumps(fault(lambda: proxy.supervisor.clearLog())))');
    assert.deepEqual(gone, [20, 'NO_FILE']);
  });

  it('captures text between XSUPERVISOR markers, split across reads, as PROCESS_COMMUNICATION events kept out of the log', async (t) => {
    const tm = await startIni(t, `[program:talker]
command=${python} ${fixtures}/comm-talker.py
startsecs=0
stdout_logfile=%(here)s/talker.out
stderr_logfile=%(here)s/talker.err
stdout_capture_maxbytes=1KB
stderr_capture_maxbytes=10
`);
    const deliveries = await tm.hearing('the listener to hear both comm events', (all) => all.filter((one) => one.headers['eventname']?.startsWith('PROCESS_COMMUNICATION_')).length >= 2);
    const comm = deliveries.filter((one) => one.headers['eventname']?.startsWith('PROCESS_COMMUNICATION_'));
    const pid = /pid:(\d+)/.exec(deliveries.find((one) => one.payload.includes('processname:talker'))!.payload)![1];
    assert.deepEqual(comm.map((one) => [one.headers['eventname'], one.payload]), [
      ['PROCESS_COMMUNICATION_STDOUT', `processname:talker groupname:talker pid:${pid}\nhello world`],
      // Over stderr_capture_maxbytes, the capture keeps its last 10 bytes.
      ['PROCESS_COMMUNICATION_STDERR', `processname:talker groupname:talker pid:${pid}\n0123456789`],
    ]);
    const logged = await waitFor(async () => {
      const text = await readFile(join(tm.dir, 'talker.out'), 'utf8').catch(() => '');
      return text.includes('done\n') ? text : undefined;
    }, 'the stdout file to have all its lines', 30_000);
    assert.equal(logged, 'before\nafter\ndone\n');
    assert.equal(await readFile(join(tm.dir, 'talker.err'), 'utf8'), 'e1\ne2\n');
  });
});

/** taskmaster on a supervisord config without listeners, optionally under `prlimit`; stopped and removed when the test ends. */
async function startPlain(t: TestContext, settings: string, programs: string, args: readonly string[], prlimit: string | null = null) {
  const dir = await makeTempDir('tm-rpc-limits-');
  const file = join(dir, 'supervisord.conf');
  await writeFile(file, `[unix_http_server]\nfile=%(here)s/supervisor.sock\n\n[supervisord]\nlogfile=%(here)s/supervisord.log\npidfile=%(here)s/supervisord.pid\nchildlogdir=%(here)s\n${settings}\n\n${programs}`);
  const command = [process.execPath, taskmasterBin, '-c', file, '-n', ...args];
  const child = prlimit === null ? spawn(command[0]!, command.slice(1), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }) : spawn('prlimit', [prlimit, '--', ...command], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  });
  const socket = join(dir, 'supervisor.sock');
  await waitFor(async () => child.exitCode !== null || (await answers(socket)), 'the socket to answer or taskmaster to exit', 30_000);
  return { dir, child, exited, stderr: () => stderr, log: join(dir, 'supervisord.log') };
}

describe('supervisord\'s -t/--strip_ansi and -a/--minfds', () => {
  it('strips ANSI escapes from what a child writes with -t, and keeps them without', async (t) => {
    const program = `[program:colour]\ncommand=/bin/sh -c "printf '\\\\033[1;31mred\\\\033[0m plain\\\\n'; exec sleep 300"\nstartsecs=0\nstdout_logfile=%(here)s/colour.out\n`;
    const stripped = await startPlain(t, '', program, ['-t']);
    const kept = await startPlain(t, '', program, []);
    const read = (dir: string) => waitFor(async () => {
      const text = await readFile(join(dir, 'colour.out'), 'latin1').catch(() => '');
      return text.includes('plain\n') ? text : undefined;
    }, 'the colour line in the stdout file', 30_000);
    assert.equal(await read(stripped.dir), 'red plain\n');
    assert.equal(await read(kept.dir), '\x1b[1;31mred\x1b[0m plain\n');
  });

  it('raises the open-file limit to -a N, the hard one too when it may, and says so', async (t) => {
    // Node raises the soft limit to the hard one at start, so minfds only matters past the hard limit: that needs CAP_SYS_RESOURCE.
    const effective = BigInt(`0x${/^CapEff:\s+([0-9a-f]+)/m.exec(await readFile('/proc/self/status', 'utf8'))?.[1] ?? '0'}`);
    if ((effective & (1n << 24n)) === 0n) return t.skip('raising the hard limit needs CAP_SYS_RESOURCE, which this machine does not give');
    const tm = await startPlain(t, '', '[program:web]\ncommand=/bin/sleep 300\nstartsecs=0\n', ['-a', '4096'], '--nofile=64:64');
    assert.equal(tm.child.exitCode, null, tm.stderr());
    const limits = await waitFor(async () => {
      const text = await readFile(join(tm.dir, 'supervisord.pid'), 'utf8').catch(() => '');
      if (text.trim() === '') return undefined;
      return readFile(`/proc/${text.trim()}/limits`, 'utf8');
    }, 'the pidfile', 30_000);
    const [soft, hard] = /^Max open files\s+(\d+)\s+(\d+)/m.exec(limits)!.slice(1).map(Number);
    assert.ok(soft! >= 4096 && hard! >= 4096, `limits ${soft}/${hard}`);
    assert.match(await readFile(tm.log, 'utf8'), /INFO Increased RLIMIT_NOFILE limit to 4096/);
  });

  it('refuses to start when [supervisord] minfds= cannot be had, with supervisord\'s words and exit 2', async (t) => {
    // Over the kernel's nr_open, not even root may raise the limit.
    const beyond = Number((await readFile('/proc/sys/fs/nr_open', 'utf8')).trim()) + 1;
    const tm = await startPlain(t, `minfds=${beyond}`, '[program:web]\ncommand=/bin/sleep 300\n', []);
    await waitFor(() => tm.child.exitCode !== null, 'taskmaster to refuse to start', 30_000);
    assert.equal(tm.child.exitCode, 2);
    assert.match(tm.stderr(), new RegExp(`The minimum number of file descriptors required to run this process is ${beyond} as per the "minfds" command-line argument or config file setting`));
  });
});
