import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ctl, fixtures, makeTempDir, RunningTaskmaster, waitFor } from '../helpers.js';

interface FailureStatus {
  name: string;
  state: string;
  exitCode: number | null;
  signal: string | null;
  description: string;
  exitReason: string | null;
  lastLines: string[];
  lastLinesStream: string | null;
  lastLinesFile: string | null;
}

async function jsonStatus(socket: string, name: string): Promise<FailureStatus> {
  const result = await ctl(socket, '--json', 'status', name);
  return (JSON.parse(result.stdout) as FailureStatus[])[0]!;
}

/** The resident memory of a process, from /proc. */
function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]) * 1024;
}

describe('why a process failed', () => {
  let tm: RunningTaskmaster;
  let logs: string;
  before(async () => {
    const dir = await makeTempDir();
    logs = join(dir, 'logs');
    tm = await RunningTaskmaster.start(`
logdir: ${logs}
programs:
  broken: { cmd: "sh -c 'for i in 1 2 3 4 5 6 7 8; do echo \\"err line $i\\" >&2; done; echo out-line; exit 3'", startretries: 1 }
  killed: { cmd: "sh -c 'echo about to die >&2; kill -KILL $$'", starttime: 0, autorestart: never }
  merged: { cmd: "sh -c 'echo to-stdout; echo to-stderr >&2; exit 2'", redirect_stderr: true, startretries: 0 }
  quiet: { cmd: "sh -c 'echo only-on-stderr >&2; exit 4'", stdout: discard, stderr: discard, startretries: 0 }
  stdoutonly: { cmd: "sh -c 'echo said-on-stdout; exit 5'", stderr: discard, startretries: 0 }
  manual: { cmd: "sh -c 'echo nope >&2; exit 6'", startretries: 0, autostart: false }
`, dir);
  });
  after(() => tm.stop());

  it('shows the exit code and the last lines of stderr of a FATAL process in status, status NAME, --json and the event log', async () => {
    await tm.waitForState('broken', 'FATAL');
    const stderrFile = join(logs, 'broken.stderr.log');
    const all = await ctl(tm.socket, 'status');
    const block = all.stdout.slice(all.stdout.indexOf('broken '), all.stdout.indexOf('\n', all.stdout.indexOf('err line 8')) + 1);
    assert.equal(block, [
      `${'broken'.padEnd(32)} FATAL     Exited too quickly (exit status 3; see ${stderrFile})`,
      '    stderr| err line 6',
      '    stderr| err line 7',
      '    stderr| err line 8',
      '',
    ].join('\n'));
    const named = await ctl(tm.socket, 'status', 'broken');
    assert.equal(named.code, 3);
    assert.deepEqual(named.stdout.trimEnd().split('\n').slice(1), [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `    stderr| err line ${i}`));
    const json = await jsonStatus(tm.socket, 'broken');
    assert.equal(json.exitCode, 3);
    assert.equal(json.exitReason, 'exit status 3');
    assert.deepEqual(json.lastLines, [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `err line ${i}`));
    assert.equal(json.lastLinesStream, 'stderr');
    assert.equal(json.lastLinesFile, stderrFile);
    const log = await tm.waitForLog(/gave up: broken entered FATAL[^\n]*\n[^\n]* INFO last output of broken/);
    const said = `INFO last output of broken (exit status 3; stderr in ${stderrFile}):\n    err line 6\n    err line 7\n    err line 8\n`;
    assert.equal(log.split(said).length - 1, 2, 'once after each of the two failed starts');
    assert.match(log, /exited: broken \(exit status 3; not expected\)\n[^\n]* INFO backoff: broken will retry in 1s[^\n]*\n[^\n]* INFO last output of broken/);
  });

  it('says how the last run ended when a start ends FATAL', async () => {
    const started = await ctl(tm.socket, 'start', 'manual');
    assert.equal(started.code, 1);
    assert.equal(started.stdout, 'manual: ERROR (spawn error: Exited too quickly (exit status 6))\n');
  });

  it('keeps each run in history with its end, exit, result and last lines', async () => {
    await tm.waitForState('broken', 'FATAL');
    const history = await waitFor(async () => {
      const result = await ctl(tm.socket, 'history', 'broken');
      return (result.stdout.match(/err line 8/g) ?? []).length === 2 ? result.stdout : undefined;
    }, 'both runs with their lines');
    assert.match(history, /^broken\n {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} {2}to \d\d:\d\d:\d\d,\d{3} +\d+\.\d\ds {2}exit 3 +failure\n {6}\| err line 4\n/);
    const runs = JSON.parse((await ctl(tm.socket, '--json', 'history', 'broken')).stdout)[0].runs;
    assert.equal(runs.length, 2);
    for (const run of runs) {
      assert.equal(run.exitCode, 3);
      assert.equal(run.result, 'failure');
      assert.ok(run.endedAt >= run.startedAt && run.durationMs === run.endedAt - run.startedAt);
      assert.deepEqual(run.lastLines, [4, 5, 6, 7, 8].map((i) => `err line ${i}`));
    }
  });

  it('names the signal that killed a process', async () => {
    await tm.waitForState('killed', 'EXITED');
    const json = await jsonStatus(tm.socket, 'killed');
    assert.equal(json.signal, 'SIGKILL');
    assert.equal(json.exitReason, 'terminated by SIGKILL');
    assert.deepEqual(json.lastLines, ['about to die']);
    const text = (await ctl(tm.socket, 'status', 'killed')).stdout;
    assert.match(text, new RegExp(`^killed +EXITED +terminated by SIGKILL, .+; see ${join(logs, 'killed.stderr.log')}\\n {4}stderr\\| about to die\\n$`));
    await tm.waitForLog(/last output of killed \(terminated by SIGKILL; stderr in .*killed\.stderr\.log\):\n {4}about to die\n/);
  });

  it('shows stdout and stderr together when stderr is merged into stdout', async () => {
    await tm.waitForState('merged', 'FATAL');
    const json = await waitFor(async () => {
      const entry = await jsonStatus(tm.socket, 'merged');
      return entry.lastLines.length === 2 ? entry : undefined;
    }, 'both lines of merged');
    assert.deepEqual([...json.lastLines].sort(), ['to-stderr', 'to-stdout']);
    assert.equal(json.lastLinesStream, 'stdout');
    assert.equal(json.lastLinesFile, join(logs, 'merged.stdout.log'));
  });

  it('still shows what a process with discarded output said, and stdout when stderr said nothing', async () => {
    await tm.waitForState('quiet', 'FATAL');
    const quiet = await jsonStatus(tm.socket, 'quiet');
    assert.deepEqual(quiet.lastLines, ['only-on-stderr']);
    assert.equal(quiet.lastLinesStream, 'stderr');
    assert.equal(quiet.lastLinesFile, null);
    assert.equal(quiet.description, 'Exited too quickly (exit status 4)');
    await tm.waitForLog(/last output of quiet \(exit status 4; stderr, not kept in a file\):\n {4}only-on-stderr\n/);
    await tm.waitForState('stdoutonly', 'FATAL');
    const stdoutOnly = await jsonStatus(tm.socket, 'stdoutonly');
    assert.deepEqual(stdoutOnly.lastLines, ['said-on-stdout']);
    assert.equal(stdoutOnly.lastLinesStream, 'stdout');
    assert.equal(stdoutOnly.lastLinesFile, join(logs, 'stdoutonly.stdout.log'));
  });
});

describe('log_level debug', () => {
  it("copies program output into the event log as supervisord does, bounded under a flood", async (t) => {
    const tm = await RunningTaskmaster.startFor(t, `
log_level: debug
programs:
  chatty: { cmd: "sh -c 'echo hello-from-stdout; echo hello-from-stderr >&2; exec sleep 100'", starttime: 0 }
  flood: { cmd: "${join(fixtures, 'flood.sh')}", autostart: false, stdout: discard }
`);
    await tm.waitForLog(/DEBG 'chatty' stdout output:\nhello-from-stdout\n/);
    await tm.waitForLog(/DEBG 'chatty' stderr output:\nhello-from-stderr\n/);
    const before = statSync(tm.logFile).size;
    const startedAt = Date.now();
    assert.equal((await ctl(tm.socket, 'start', 'flood')).code, 0);
    await tm.waitForLog(/DEBG 'flood' stdout output: \d+ bytes not copied \(the event log takes at most 256 KiB of program output a second\)/);
    // Supervision goes on meanwhile: a status answers at once.
    const asked = Date.now();
    assert.equal((await ctl(tm.socket, 'status', 'chatty')).code, 0);
    assert.ok(Date.now() - asked < 5000, 'status answered during the flood');
    await waitFor(() => Date.now() - startedAt > 3000, 'three seconds of flood');
    assert.equal((await ctl(tm.socket, 'stop', 'flood')).code, 0);
    const grown = statSync(tm.logFile).size - before;
    const seconds = (Date.now() - startedAt) / 1000;
    // The flood wrote about 10 MB a second; the log took at most its budget a second (and the lines around it).
    assert.ok(grown <= (seconds + 1) * 256 * 1024 + 64 * 1024, `event log grew ${grown} bytes in ${seconds.toFixed(1)} s`);
  });
});

describe('history across restarts of Taskmaster', () => {
  it('still shows the runs of the taskmaster before, from the state file', async () => {
    const dir = await makeTempDir();
    const config = `
programs:
  flaky: { cmd: "sh -c 'echo flaky-says-no >&2; exit 7'", startretries: 1 }
`;
    const first = await RunningTaskmaster.start(config, dir);
    let earlier: { startedAt: number; lastLines: string[] }[];
    try {
      await first.waitForState('flaky', 'FATAL');
      earlier = await waitFor(async () => {
        const runs = JSON.parse((await ctl(first.socket, '--json', 'history', 'flaky')).stdout)[0].runs;
        return runs.length === 2 && runs.every((run: { lastLines: string[] }) => run.lastLines.length === 1) ? runs : undefined;
      }, 'two runs with their lines');
    } finally {
      first.child.kill('SIGTERM');
      assert.equal(await first.waitForExit(), 0);
    }
    const second = await RunningTaskmaster.start(config, dir);
    try {
      await second.waitForState('flaky', 'FATAL');
      const runs = JSON.parse((await ctl(second.socket, '--json', 'history', 'flaky')).stdout)[0].runs;
      assert.deepEqual(runs.slice(0, 2), earlier);
      assert.equal(runs.length, 4, 'the two runs before the restart, then the two after');
      assert.deepEqual(earlier.map((run) => run.lastLines), [['flaky-says-no'], ['flaky-says-no']]);
      const text = (await ctl(second.socket, 'history', 'flaky')).stdout;
      assert.equal((text.match(/exit 7 +failure\n {6}\| flaky-says-no\n/g) ?? []).length, 4);
    } finally {
      await second.stop();
    }
  });
});

describe('bounds', () => {
  it('keeps 512 bytes of a 10 MB line, in status and in the state file, and the supervisor stays small', async (t) => {
    const dir = await makeTempDir();
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  huge: { cmd: "${join(fixtures, 'long-line.sh')} 10485760", startretries: 0, autostart: false }
`, dir);
    const rssBefore = rssBytes(tm.child.pid!);
    await ctl(tm.socket, 'start', 'huge');
    await tm.waitForState('huge', 'FATAL', 60_000);
    const json = await jsonStatus(tm.socket, 'huge');
    assert.deepEqual(json.lastLines, [`${'x'.repeat(512)}…`]);
    const grownBytes = rssBytes(tm.child.pid!) - rssBefore;
    assert.ok(grownBytes < 64 * 1024 * 1024, `the supervisor grew by ${grownBytes} bytes`);
    const statePath = join(dir, 'taskmaster-state.json');
    const history = await waitFor(() => {
      try {
        const saved = JSON.parse(readFileSync(statePath, 'utf8')).history?.huge;
        return saved?.[0]?.lastLines.length === 1 ? saved : undefined;
      } catch {
        return undefined;
      }
    }, 'the run in the state file');
    assert.equal(history[0].lastLines[0].length, 513);
    assert.ok(statSync(statePath).size < 2048, `state file of ${statSync(statePath).size} bytes`);
  });
});
