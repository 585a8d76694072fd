import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { ctl, fixtures, isAlive, makeTempDir, repoRoot, run, RunningTaskmaster, tailOf, taskmasterctlBin, waitFor, type StatusEntry } from '../helpers.js';

const statusLine = (name: string, state: string, rest: string): RegExp => new RegExp(`^${name.replace(/[:*]/g, '\\$&')} +${state} +${rest}$`, 'm');

function parseStatus(stdout: string): StatusEntry[] {
  return JSON.parse(stdout) as StatusEntry[];
}

/** A `taskmasterctl tail -f` left running; its output collects until it is killed. */
function follow(socket: string, ...args: string[]): { output: () => string; kill: () => Promise<void> } {
  const child = spawn(process.execPath, [taskmasterctlBin, '-s', socket, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    output: () => output,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The programs the tests draw on; each test starts a supervisor of its own with the ones it needs. */
const programs = {
  sleeper: 'sleeper: { cmd: "sleep 1000", starttime: 0.3 }',
  workers: `workers:
    cmd: "sh -c 'while true; do echo tick $TASKMASTER_PROCESS_NAME; sleep 0.1; done'"
    numprocs: 2
    starttime: 0.3`,
  once: `once: { cmd: "sh -c 'echo hello-once; echo oops-once >&2; exec sleep 1000'", starttime: 0.3 }`,
  echoer: 'echoer: { cmd: "cat", starttime: 0.3 }',
  manual: 'manual: { cmd: "sleep 1000", autostart: false, starttime: 0.5 }',
  slow_a: 'slow_a: { cmd: "sleep 1000", autostart: false, starttime: 0.5 }',
  slow_b: 'slow_b: { cmd: "sleep 1000", autostart: false, starttime: 0.5 }',
  failing: `failing: { cmd: "sh -c 'echo failing-output >&2; exit 1'", autostart: false, startretries: 0, starttime: 1 }`,
  logger: (dir: string) => `logger:
    cmd: "${fixtures}/signal-logger.sh"
    starttime: 0.3
    env: { SIGNAL_LOG: "${join(dir, 'signals.log')}" }`,
};
type ProgramName = keyof typeof programs;
const processNames: Record<ProgramName, readonly string[]> = {
  sleeper: ['sleeper'],
  workers: ['workers:workers_00', 'workers:workers_01'],
  once: ['once'],
  echoer: ['echoer'],
  manual: [],
  slow_a: [],
  slow_b: [],
  failing: [],
  logger: ['logger'],
};

/** A supervisor of the test's own, stopped when the test ends; returns once its autostarted processes run. */
async function startWith(t: TestContext, ...names: ProgramName[]): Promise<RunningTaskmaster> {
  const dir = await makeTempDir();
  const lines = names.map((name) => {
    const entry = programs[name];
    return `  ${typeof entry === 'function' ? entry(dir) : entry}`;
  });
  const tm = await RunningTaskmaster.startFor(t, `programs:\n${lines.join('\n')}\n`, dir);
  for (const name of names) for (const process of processNames[name]) await tm.waitForState(process, 'RUNNING');
  return tm;
}

describe('taskmasterctl against a running supervisor', () => {
  it('status prints one supervisorctl-style line per process and exits 3 when one is not RUNNING', async (t) => {
    const tm = await startWith(t, 'sleeper', 'workers', 'manual');
    const result = await ctl(tm.socket, 'status');
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stdout, statusLine('sleeper', 'RUNNING', 'pid \\d+, uptime \\d+:\\d\\d:\\d\\d'));
    assert.match(result.stdout, statusLine('workers:workers_00', 'RUNNING', 'pid \\d+, uptime \\d+:\\d\\d:\\d\\d'));
    assert.match(result.stdout, statusLine('manual', 'STOPPED', 'Not started'));
    assert.equal(result.stdout.trimEnd().split('\n').length, 4);
    assert.doesNotMatch(result.stdout, /\x1b\[/, 'no colour when output is not a terminal');
  });

  it('status of RUNNING processes only, named or by group, exits 0', async (t) => {
    const tm = await startWith(t, 'sleeper', 'workers', 'manual');
    const result = await ctl(tm.socket, 'status', 'sleeper', 'workers');
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(
      result.stdout.trimEnd().split('\n').map((line) => line.split(/ +/)[0]),
      ['sleeper', 'workers:workers_00', 'workers:workers_01'],
    );
  });

  it('status --json prints an array of objects with every documented field', async (t) => {
    const tm = await startWith(t, 'sleeper', 'workers', 'manual');
    const result = await ctl(tm.socket, '--json', 'status');
    assert.equal(result.code, 3);
    const processes = parseStatus(result.stdout);
    assert.equal(processes.length, 4);
    for (const entry of processes) {
      for (const key of ['name', 'group', 'state', 'pid', 'exitCode', 'signal', 'uptime', 'description', 'spawnError']) {
        assert.ok(key in entry, `${entry.name} has ${key}`);
      }
    }
    const sleeper = processes.find((entry) => entry.name === 'sleeper')!;
    assert.equal(sleeper.state, 'RUNNING');
    assert.equal(typeof sleeper.pid, 'number');
    assert.ok(isAlive(sleeper.pid!));
    assert.equal(typeof sleeper.uptime, 'number');
    const worker = processes.find((entry) => entry.name === 'workers:workers_01')!;
    assert.equal(worker.group, 'workers');
    const manual = processes.find((entry) => entry.name === 'manual')!;
    assert.equal(manual.pid, null);
    assert.equal(manual.state, 'STOPPED');
  });

  it('start waits until the process is RUNNING, and stop until it is stopped', async (t) => {
    const tm = await startWith(t, 'manual');
    const started = await ctl(tm.socket, 'start', 'manual');
    assert.equal(started.code, 0, started.stderr);
    assert.equal(started.stdout, 'manual: started\n');
    // No waiting here: start must only return once starttime has passed.
    const running = (parseStatus((await ctl(tm.socket, '--json', 'status', 'manual')).stdout))[0]!;
    assert.equal(running.state, 'RUNNING');
    assert.ok(isAlive(running.pid!));

    const again = await ctl(tm.socket, 'start', 'manual');
    assert.equal(again.code, 0);
    assert.match(again.stdout, /manual: already started/);

    const stopped = await ctl(tm.socket, 'stop', 'manual');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(stopped.stdout, 'manual: stopped\n');
    assert.ok(!isAlive(running.pid!), 'the process is gone once stop returns');
    assert.equal((parseStatus((await ctl(tm.socket, '--json', 'status', 'manual')).stdout))[0]!.state, 'STOPPED');
  });

  it('start and stop handle several names in parallel', async (t) => {
    const tm = await startWith(t, 'slow_a', 'slow_b');
    const started = await ctl(tm.socket, 'start', 'slow_a', 'slow_b');
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /^slow_a: started$/m);
    assert.match(started.stdout, /^slow_b: started$/m);
    const log = await tm.log();
    const position = (pattern: string): number => log.lastIndexOf(pattern);
    // In parallel, both are spawned before either has passed its starttime.
    assert.ok(position("spawned: 'slow_b'") < position('success: slow_a'), log);
    assert.ok(position("spawned: 'slow_a'") < position('success: slow_b'), log);

    const stopped = await ctl(tm.socket, 'stop', 'slow_a', 'slow_b');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, /^slow_a: stopped$/m);
    assert.match(stopped.stdout, /^slow_b: stopped$/m);
  });

  it('restart gives a group new pids and waits until they run', async (t) => {
    const tm = await startWith(t, 'workers');
    const before = parseStatus((await ctl(tm.socket, '--json', 'status', 'workers')).stdout);
    const result = await ctl(tm.socket, 'restart', 'workers:*');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^workers:workers_00: started$/m);
    assert.match(result.stdout, /^workers:workers_01: started$/m);
    const after = parseStatus((await ctl(tm.socket, '--json', 'status', 'workers')).stdout);
    for (const [index, entry] of after.entries()) {
      assert.equal(entry.state, 'RUNNING');
      assert.notEqual(entry.pid, before[index]!.pid);
      assert.ok(!isAlive(before[index]!.pid!));
    }
  });

  it('start of a program that ends FATAL says so and exits 7, as supervisorctl does', async (t) => {
    const tm = await startWith(t, 'failing');
    const result = await ctl(tm.socket, 'start', 'failing');
    assert.equal(result.code, 7);
    assert.match(result.stdout, /^failing: ERROR \(spawn error: .+\)$/m);
    const status = await ctl(tm.socket, 'status', 'failing');
    assert.equal(status.code, 3);
    assert.match(status.stdout, statusLine('failing', 'FATAL', '.+'));
    const stderrTail = await ctl(tm.socket, 'tail', 'failing', 'stderr');
    assert.match(stderrTail.stdout, /failing-output/);
  });

  it('an unknown name fails with exit 1 and names it (status: 4)', async (t) => {
    const tm = await startWith(t, 'sleeper');
    const status = await ctl(tm.socket, 'status', 'nope');
    assert.equal(status.code, 4);
    assert.equal(status.stdout, 'nope: ERROR (no such process)\n');
    for (const args of [['start', 'nope'], ['stop', 'nope'], ['restart', 'sleeper', 'nope'], ['signal', 'HUP', 'nope'], ['tail', 'nope'], ['clear', 'nope'], ['pid', 'nope']]) {
      const result = await ctl(tm.socket, ...args);
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, /no such process: nope/, args.join(' '));
    }
    const json = await ctl(tm.socket, '--json', 'start', 'nope');
    assert.equal(json.code, 1);
    assert.equal((JSON.parse(json.stdout) as { code: string }).code, 'E_NO_SUCH_PROCESS');
  });

  it('a usage error exits 2 with a hint', async (t) => {
    const tm = await startWith(t, 'sleeper');
    const cases: [string[], RegExp][] = [
      [['start'], /usage: start NAME/],
      [['stop'], /usage: stop NAME/],
      [['signal', 'TERM'], /usage: signal SIG/],
      [['bogus'], /unknown command: bogus/],
      [['tail'], /usage: tail/],
      [['tail', '-n', 'many', 'sleeper'], /-n needs a whole number/],
      [['tail', 'sleeper', 'stdwhat'], /usage: tail/],
      [['maintail', 'extra'], /unexpected argument extra/],
      [['clear'], /usage: clear NAME/],
      [['help', 'nope'], /no such command: nope/],
      [['--bogus', 'status'], /unknown option --bogus/],
    ];
    for (const [args, message] of cases) {
      const result = await ctl(tm.socket, ...args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
    }
  });

  it('exits 7 (status: 4) naming the socket when no supervisor answers', async () => {
    const missing = join(await makeTempDir(), 'nobody-here.sock');
    for (const args of [['status'], ['start', 'all'], ['shutdown']]) {
      const result = await ctl(missing, ...args);
      assert.equal(result.code, args[0] === 'status' ? 4 : 7, args.join(' '));
      assert.ok(result.stderr.includes(missing), result.stderr);
    }
  });

  it('signal delivers the named signal and reports unknown signals and stopped processes', async (t) => {
    const tm = await startWith(t, 'logger', 'manual');
    const bad = await ctl(tm.socket, 'signal', 'NOTASIGNAL', 'logger');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unknown signal NOTASIGNAL/);

    const notRunning = await ctl(tm.socket, 'signal', 'USR1', 'manual');
    assert.equal(notRunning.code, 7);
    assert.match(notRunning.stdout, /manual: ERROR \(not running\)/);

    const sent = await ctl(tm.socket, 'signal', 'USR2', 'logger');
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(sent.stdout, /^logger: sent SIGUSR2$/m);
    await waitFor(async () => (await readFile(join(tm.dir, 'signals.log'), 'utf8').catch(() => '')).includes('USR2'), 'the logger to record USR2');
  });

  it('pid prints the supervisor pid, or a process pid, and 0 with exit 7 for a stopped one', async (t) => {
    const tm = await startWith(t, 'sleeper', 'manual');
    const supervisor = await ctl(tm.socket, 'pid');
    assert.equal(supervisor.code, 0);
    assert.equal(supervisor.stdout, `${tm.child.pid}\n`);
    const json = await ctl(tm.socket, '--json', 'pid');
    assert.deepEqual(JSON.parse(json.stdout), { pid: tm.child.pid });

    const sleeper = await tm.process('sleeper');
    const one = await ctl(tm.socket, 'pid', 'sleeper');
    assert.equal(one.code, 0);
    assert.equal(one.stdout, `${sleeper.pid}\n`);

    const stopped = await ctl(tm.socket, 'pid', 'manual');
    assert.equal(stopped.code, 7);
    assert.equal(stopped.stdout, '0\n');
  });

  it('avail lists every configured program with its settings', async (t) => {
    const tm = await startWith(t, 'sleeper', 'workers', 'manual');
    const result = await ctl(tm.socket, 'avail');
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^sleeper +auto +numprocs 1 +priority 999 +sleep 1000$/m);
    assert.match(result.stdout, /^workers +auto +numprocs 2 /m);
    assert.match(result.stdout, /^manual +manual +numprocs 1 /m);
    const json = JSON.parse((await ctl(tm.socket, '--json', 'avail')).stdout) as { name: string }[];
    assert.deepEqual(json.map((program) => program.name).sort(), ['manual', 'sleeper', 'workers']);
  });

  it('version prints the package version', async (t) => {
    const tm = await startWith(t, 'manual');
    const { version } = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const result = await ctl(tm.socket, 'version');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `${version}\n`);
    assert.deepEqual(JSON.parse((await ctl(tm.socket, '--json', 'version')).stdout), { version });
  });

  it('help lists every command and explains one', async (t) => {
    const tm = await startWith(t, 'manual');
    const all = await ctl(tm.socket, 'help');
    assert.equal(all.code, 0);
    for (const command of ['status', 'start', 'stop', 'restart', 'signal', 'reload', 'reread', 'pid', 'tail', 'maintail', 'fg', 'history', 'clear', 'avail', 'shutdown', 'version', 'help']) {
      assert.match(all.stdout, new RegExp(`^  ${command}\\b`, 'm'), command);
    }
    const one = await ctl(tm.socket, 'help', 'tail');
    assert.equal(one.code, 0);
    assert.equal(one.stdout.split('\n')[0], 'tail [-f] [-n N] NAME [stdout|stderr]');
  });

  it('tail -n prints the last lines of a process output, stdout or stderr', async (t) => {
    const tm = await startWith(t, 'workers', 'once');
    await waitFor(async () => (await tailOf(tm.socket, 'workers:workers_00')).split('\n').length > 5, 'some output');
    const result = await ctl(tm.socket, 'tail', '-n', '3', 'workers:workers_00');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.split('\n'), ['tick workers_00', 'tick workers_00', 'tick workers_00', '']);
    const short = await ctl(tm.socket, 'tail', '-1', 'workers:workers_01');
    assert.equal(short.stdout, 'tick workers_01\n');
    const errors = await ctl(tm.socket, 'tail', 'once', 'stderr');
    assert.equal(errors.stdout, 'oops-once\n');
    const json = JSON.parse((await ctl(tm.socket, '--json', 'tail', 'once')).stdout) as { text: string };
    assert.equal(json.text, 'hello-once\n');
  });

  it('tail -f keeps printing new output', async (t) => {
    const tm = await startWith(t, 'workers');
    const following = follow(tm.socket, 'tail', '-f', '-n', '0', 'workers:workers_01');
    try {
      await waitFor(() => (following.output().match(/tick workers_01\n/g) ?? []).length >= 3, 'three new lines through tail -f');
    } finally {
      await following.kill();
    }
  });

  it('maintail prints the end of the event log, and -f follows it', async (t) => {
    const tm = await startWith(t, 'sleeper');
    const result = await ctl(tm.socket, 'maintail', '-n', '2');
    assert.equal(result.code, 0);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    for (const line of lines) assert.match(line, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (INFO|WARN|ERRO|DEBG) /);
    const whole = await ctl(tm.socket, 'maintail', '-n', '1000');
    assert.match(whole.stdout, /spawned: 'sleeper' with pid \d+/);

    const following = follow(tm.socket, 'maintail', '-f', '-n', '0');
    try {
      // Each restart writes new event lines; repeat until the follower has seen one.
      await waitFor(async () => {
        await ctl(tm.socket, 'restart', 'sleeper');
        return following.output().includes("spawned: 'sleeper'");
      }, 'maintail -f to show the restart');
    } finally {
      await following.kill();
    }
  });

  it('fg with piped input delivers every line to the process, in order, then detaches', async (t) => {
    const tm = await startWith(t, 'echoer');
    const lines = Array.from({ length: 20 }, (_, index) => `line ${index}`);
    const result = await run(process.execPath, [taskmasterctlBin, '-s', tm.socket, 'fg', 'echoer'], { input: `${lines.join('\n')}\n` });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /attached to echoer \(pid \d+\)/);
    assert.match(result.stderr, /detached from echoer/);
    await waitFor(async () => (await tailOf(tm.socket, 'echoer')) === `${lines.join('\n')}\n`, 'cat to echo the 20 lines in order');
    assert.equal((await tm.process('echoer')).state, 'RUNNING');
  });

  it('the shell fed by a pipe runs every command before it leaves', async (t) => {
    const tm = await startWith(t, 'sleeper', 'echoer');
    const result = await run(process.execPath, [taskmasterctlBin, '-s', tm.socket], {
      input: 'status sleeper\nversion\nfg echoer\n',
      env: { ...process.env, NO_COLOR: '1', TASKMASTER_HISTORY: join(tm.dir, 'piped-history') },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^sleeper +RUNNING +pid \d+/m);
    assert.match(result.stdout, /^\d+\.\d+\.\d+$/m);
    // With the input over, fg cannot wait for a detach key: it detaches at once.
    assert.match(result.stderr, /detached from echoer/);
  });

  it('clear empties the output files of a process', async (t) => {
    const tm = await startWith(t, 'once');
    assert.equal((await ctl(tm.socket, 'tail', 'once')).stdout, 'hello-once\n');
    const result = await ctl(tm.socket, 'clear', 'once');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'once: cleared\n');
    assert.equal((await ctl(tm.socket, 'tail', 'once')).stdout, '');
    assert.equal((await ctl(tm.socket, 'tail', 'once', 'stderr')).stdout, '');
    assert.equal((await tm.process('once')).state, 'RUNNING');
  });
});

describe('reload and reread through taskmasterctl', () => {
  const initial = `
programs:
  keep: { cmd: "sleep 1000", starttime: 0 }
  change: { cmd: "sleep 1000", starttime: 0 }
  drop: { cmd: "sleep 1000", starttime: 0 }
`;
  const next = `
programs:
  keep: { cmd: "sleep 1000", starttime: 0 }
  change: { cmd: "sleep 1001", starttime: 0 }
  fresh: { cmd: "sleep 1000", starttime: 0 }
`;

  it('reread shows the difference, reload applies it, and a broken config changes nothing', async () => {
    const tm = await RunningTaskmaster.start(initial);
    try {
      for (const name of ['keep', 'change', 'drop']) await tm.waitForState(name, 'RUNNING');
      const unchanged = await ctl(tm.socket, 'reread');
      assert.equal(unchanged.code, 0);
      assert.equal(unchanged.stdout, 'No config updates to processes\n');

      const before = await tm.status();
      await tm.rewriteConfig(next);
      const reread = await ctl(tm.socket, 'reread');
      assert.equal(reread.code, 0, reread.stderr);
      assert.match(reread.stdout, /^fresh: available$/m);
      assert.match(reread.stdout, /^change: changed \(cmd\), would restart$/m);
      assert.match(reread.stdout, /^drop: disappeared$/m);
      assert.deepEqual((await tm.status()).map((entry) => [entry.name, entry.pid]), before.map((entry) => [entry.name, entry.pid]), 'reread applies nothing');

      const reload = await ctl(tm.socket, 'reload');
      assert.equal(reload.code, 0, reload.stderr);
      assert.match(reload.stdout, /^fresh: added$/m);
      assert.match(reload.stdout, /^change: changed \(cmd\), restarted$/m);
      assert.match(reload.stdout, /^drop: removed$/m);
      const fresh = await tm.waitForState('fresh', 'RUNNING');
      const changed = await tm.waitForState('change', 'RUNNING');
      const byName = new Map(before.map((entry) => [entry.name, entry]));
      assert.notEqual(changed.pid, byName.get('change')!.pid);
      assert.ok(!isAlive(byName.get('drop')!.pid!), 'the removed program was stopped');
      assert.equal((await tm.process('keep')).pid, byName.get('keep')!.pid);
      assert.deepEqual((await tm.status()).map((entry) => entry.name).sort(), ['change', 'fresh', 'keep']);

      const applied = await tm.status();
      await tm.rewriteConfig('programs:\n  broken: { cmd: 5, numprocs: -1 }\n');
      for (const command of ['reload', 'reread']) {
        const rejected = await ctl(tm.socket, command);
        assert.equal(rejected.code, 1, command);
        assert.match(rejected.stderr, /config rejected, nothing changed/);
        assert.match(rejected.stderr, /taskmaster\.yaml:2:\d+: programs\.broken\.cmd: /);
        assert.match(rejected.stderr, /programs\.broken\.numprocs: /);
        const json = JSON.parse((await ctl(tm.socket, '--json', command)).stdout) as { ok: boolean; errors: string[] };
        assert.equal(json.ok, false);
        assert.equal(json.errors.length, 2);
      }
      assert.deepEqual((await tm.status()).map((entry) => [entry.name, entry.state, entry.pid]), applied.map((entry) => [entry.name, entry.state, entry.pid]));
      assert.ok(isAlive(fresh.pid!));
    } finally {
      await tm.stop();
    }
  });
});

describe('shutdown through taskmasterctl', () => {
  it('stops every process, and the supervisor exits 0 and removes its socket', async () => {
    const tm = await RunningTaskmaster.start(`
programs:
  one: { cmd: "sleep 1000", starttime: 0 }
  many: { cmd: "sleep 1000", starttime: 0, numprocs: 3 }
  stubborn: { cmd: "${fixtures}/ignore-term.sh", starttime: 0, stoptime: 0.5 }
`);
    try {
      const pids = await waitFor(async () => {
        const status = await tm.status();
        return status.every((entry) => entry.state === 'RUNNING') ? status.map((entry) => entry.pid!) : undefined;
      }, 'every process RUNNING');
      const result = await ctl(tm.socket, 'shutdown');
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, 'Shut down\n');
      // shutdown returns once the supervisor has stopped answering, its processes gone.
      for (const pid of pids) assert.ok(!isAlive(pid), `process ${pid} is gone`);
      assert.equal(await tm.waitForExit(), 0);
      await assert.rejects(stat(tm.socket), { code: 'ENOENT' });
      const after = await ctl(tm.socket, 'status');
      assert.equal(after.code, 4);
    } finally {
      await tm.stop();
    }
  });
});
