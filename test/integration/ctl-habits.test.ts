import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { commandTable } from '../../src/control/command-table.js';
import { ctl, makeTempDir, run, RunningTaskmaster, taskmasterctlBin, waitFor } from '../helpers.js';

const programs = `programs:
  sleeper: { cmd: "sleep 1000", starttime: 0.2 }
  manual: { cmd: "sleep 1000", autostart: false }
  broken: { cmd: "/nonexistent/broken", autostart: false, startretries: 0 }
  web:
    cmd: ["sh", "-c", "exec sleep 1000"]
    numprocs: 2
    starttime: 0.2
  chatty:
    cmd: ["sh", "-c", "i=0; while [ $i -lt 200 ]; do printf 'line %03d of chatty output\\\\n' $i; i=$((i+1)); done; exec sleep 1000"]
    starttime: 0.2
`;

async function started(t: Parameters<typeof RunningTaskmaster.startFor>[0]): Promise<RunningTaskmaster> {
  const tm = await RunningTaskmaster.startFor(t, programs);
  for (const name of ['sleeper', 'web:web_00', 'web:web_01', 'chatty']) await tm.waitForState(name, 'RUNNING');
  return tm;
}

/** taskmasterctl under a pseudo-terminal (util-linux `script`), so its stdout is a tty. */
function onTerminal(args: readonly string[], env: NodeJS.ProcessEnv): ReturnType<typeof run> {
  const line = [process.execPath, taskmasterctlBin, ...args].map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(' ');
  return run('script', ['-qec', line, '/dev/null'], { env });
}

describe('taskmasterctl habits', () => {
  it('takes flags in any position, and -- ends them', async (t) => {
    const tm = await started(t);
    const after = await run(process.execPath, [taskmasterctlBin, 'status', 'sleeper', '--json', '-s', tm.socket]);
    assert.equal(after.code, 0, after.stderr);
    assert.equal((JSON.parse(after.stdout) as { name: string }[])[0]!.name, 'sleeper');
    const tail = await ctl(tm.socket, 'tail', 'chatty', '-n', '2', '--json');
    assert.equal((JSON.parse(tail.stdout) as { text: string }).text, 'line 198 of chatty output\nline 199 of chatty output\n');
    const ended = await ctl(tm.socket, 'status', '--', '--json');
    assert.equal(ended.code, 4);
    assert.match(ended.stdout, /^--json: ERROR \(no such process\)$/m);
    const unknown = await ctl(tm.socket, 'status', '--frobnicate');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /status: unknown option --frobnicate \(see status --help/);
  });

  it('answers --help for every command of the table, with no supervisor needed', async () => {
    const nowhere = join(await makeTempDir(), 'none.sock');
    for (const row of commandTable) {
      for (const flag of ['--help', '-h']) {
        const result = await ctl(nowhere, row.name, flag);
        assert.equal(result.code, 0, `${row.name} ${flag}: ${result.stderr}`);
        assert.equal(result.stdout, `${row.usage}\n  ${row.summary}\n`, `${row.name} ${flag}`);
      }
    }
  });

  it("exits as supervisorctl does: 3 stopped, 4 unknown name, 7 not running or a spawn error; errors say what to do", async (t) => {
    const tm = await started(t);
    assert.equal((await ctl(tm.socket, 'status', 'sleeper', 'web')).code, 0);
    assert.equal((await ctl(tm.socket, 'status')).code, 3, 'manual and broken are STOPPED');
    const unknown = await ctl(tm.socket, 'status', 'sleeper', 'nope');
    assert.equal(unknown.code, 4);
    assert.match(unknown.stdout, /^nope: ERROR \(no such process\)\nsleeper +RUNNING/m);
    const spawnError = await ctl(tm.socket, 'start', 'broken');
    assert.equal(spawnError.code, 7, spawnError.stdout);
    assert.match(spawnError.stdout, /broken: ERROR \(spawn error: /);
    assert.equal((await ctl(tm.socket, 'status', 'broken')).code, 3, 'FATAL');
    assert.equal((await ctl(tm.socket, 'pid', 'manual')).code, 7);
    assert.equal((await ctl(tm.socket, 'signal', 'HUP', 'manual')).code, 7);
    assert.equal((await ctl(tm.socket, 'start', 'nope')).code, 1);

    const nowhere = join(await makeTempDir(), 'none.sock');
    const down = await ctl(nowhere, 'start', 'all');
    assert.equal(down.code, 7);
    assert.match(down.stderr, new RegExp(`no supervisor answers on ${nowhere} \\(ENOENT\\): start one with taskmaster -c FILE, or pass -s SOCKET`));
    assert.equal((await ctl(nowhere, 'status')).code, 4);
  });

  it('tail without -n shows the last 1600 bytes, as supervisorctl does; update is reload', async (t) => {
    const tm = await started(t);
    const all = await ctl(tm.socket, 'tail', 'chatty', '-n', '1000');
    assert.equal(all.stdout.length, 200 * 26);
    const tail = await ctl(tm.socket, 'tail', 'chatty');
    assert.equal(tail.code, 0);
    assert.equal(tail.stdout, all.stdout.slice(-1600));
    const update = await ctl(tm.socket, 'update');
    assert.equal(update.code, 0, update.stderr);
    assert.equal(update.stdout, 'No config updates to processes\n');
  });

  it('paints states only on a terminal, and never with NO_COLOR', async (t) => {
    const tm = await started(t);
    const { NO_COLOR: _ignored, ...withoutNoColor } = process.env;
    const painted = await onTerminal(['-s', tm.socket, 'status', 'sleeper'], withoutNoColor);
    assert.match(painted.stdout, /\x1b\[32mRUNNING/);
    const plain = await onTerminal(['-s', tm.socket, 'status', 'sleeper'], { ...withoutNoColor, NO_COLOR: '1' });
    assert.match(plain.stdout, /sleeper +RUNNING/);
    assert.doesNotMatch(plain.stdout, /\x1b\[/);
    const piped = await run(process.execPath, [taskmasterctlBin, '-s', tm.socket, 'status', 'sleeper'], { env: withoutNoColor });
    assert.doesNotMatch(piped.stdout, /\x1b\[/);
  });

  it('shows the URL of a program with a port and an HTTP ready check', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, `programs:
  site:
    cmd: ["python3", "-m", "http.server", "--bind", "127.0.0.1", "{port}"]
    port: auto
    ready: { http: "http://127.0.0.1:{port}/", deadline: 30s }
`);
    const site = await tm.waitForState('site', 'RUNNING', 40_000);
    const status = await ctl(tm.socket, 'status', 'site');
    assert.match(status.stdout, new RegExp(`^site +RUNNING +pid ${site.pid}, .*, http://127\\.0\\.0\\.1:${site.port}/$`, 'm'));
  });

  it('completes commands and process names from the running supervisor in bash', async (t) => {
    const tm = await started(t);
    const bin = await makeTempDir();
    await writeFile(join(bin, 'taskmasterctl'), `#!/bin/sh\nexec "${process.execPath}" "${taskmasterctlBin}" "$@"\n`);
    await chmod(join(bin, 'taskmasterctl'), 0o755);
    const script = (await ctl(tm.socket, 'completion', 'bash')).stdout;
    await writeFile(join(bin, 'completion.bash'), script);
    const complete = async (line: string): Promise<string[]> => {
      const program = `source ${bin}/completion.bash
complete -p taskmasterctl
COMP_LINE='${line}'; COMP_POINT=\${#COMP_LINE}
read -ra COMP_WORDS <<< "$COMP_LINE"; [[ "$COMP_LINE" == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
_taskmasterctl
printf '%s\\n' "\${COMPREPLY[@]}"`;
      const result = await run('bash', ['--norc', '-c', program], { env: { ...process.env, PATH: `${bin}:${process.env['PATH']}` } });
      assert.equal(result.code, 0, result.stderr);
      const [registered, ...candidates] = result.stdout.trim().split('\n');
      assert.equal(registered, 'complete -F _taskmasterctl taskmasterctl');
      return candidates.filter((candidate) => candidate !== '');
    };
    assert.deepEqual(await complete(`taskmasterctl -s ${tm.socket} st`), ['start', 'status', 'stop']);
    assert.deepEqual(await complete(`taskmasterctl -s ${tm.socket} stop s`), ['sleeper']);
    assert.deepEqual(await complete(`taskmasterctl -s ${tm.socket} status `), ['all', 'broken', 'chatty', 'manual', 'sleeper', 'web', 'web:*', 'web:web_00', 'web:web_01']);
    // bash splits at ':', so the candidates are what follows the colon.
    assert.deepEqual(await complete(`taskmasterctl -s ${tm.socket} restart web:w`), ['web_00', 'web_01']);
    assert.deepEqual(await complete(`taskmasterctl -s ${tm.socket} completion `), ['bash', 'fish', 'zsh']);
  });
});
