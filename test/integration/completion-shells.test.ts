import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, run, RunningTaskmaster, taskmasterctlBin } from '../helpers.js';
import { TmuxWindow } from '../tmux-window.js';

const programs = `programs:
  sleeper: { cmd: "sleep 1000", starttime: 0.2 }
  manual: { cmd: "sleep 1000", autostart: false }
  web:
    cmd: ["sh", "-c", "exec sleep 1000"]
    numprocs: 2
    starttime: 0.2
`;

const allNames = ['all', 'manual', 'sleeper', 'web', 'web:*', 'web:web_00', 'web:web_01'];

/** A running supervisor, and a folder holding a `taskmasterctl` to put first on PATH. */
async function setUp(t: Parameters<typeof RunningTaskmaster.startFor>[0]): Promise<{ tm: RunningTaskmaster; bin: string; path: string }> {
  const tm = await RunningTaskmaster.startFor(t, programs);
  for (const name of ['sleeper', 'web:web_00', 'web:web_01']) await tm.waitForState(name, 'RUNNING');
  const bin = await makeTempDir();
  await writeFile(join(bin, 'taskmasterctl'), `#!/bin/sh\nexec "${process.execPath}" "${taskmasterctlBin}" "$@"\n`);
  await chmod(join(bin, 'taskmasterctl'), 0o755);
  return { tm, bin, path: `${bin}:${process.env['PATH']}` };
}

describe('completion scripts in real shells, against a running supervisor', () => {
  it('completes commands and process names in fish (complete -C)', async (t) => {
    const { tm, bin, path } = await setUp(t);
    const complete = async (line: string): Promise<string[]> => {
      // Loaded as the README says, then asked what Tab would offer at the end of the line.
      const program = `taskmasterctl completion fish | source; complete -C ${JSON.stringify(line)}`;
      const result = await run('fish', ['--no-config', '-c', program], { env: { ...process.env, PATH: path, HOME: bin, XDG_CONFIG_HOME: bin, XDG_DATA_HOME: bin } });
      assert.equal(result.code, 0, result.stderr);
      // Each candidate comes as "word<TAB>description"; ours have no description.
      return result.stdout.split('\n').filter((candidate) => candidate !== '').map((candidate) => candidate.split('\t')[0]!).sort();
    };
    assert.deepEqual(await complete(`taskmasterctl -s ${tm.socket} st`), ['start', 'status', 'stop']);
    assert.deepEqual(await complete(`taskmasterctl -s ${tm.socket} status `), allNames);
    assert.deepEqual(await complete(`taskmasterctl -s ${tm.socket} stop sl`), ['sleeper']);
    assert.deepEqual(await complete(`taskmasterctl -s ${tm.socket} restart web:w`), ['web:web_00', 'web:web_01']);
    assert.deepEqual(await complete(`taskmasterctl -s ${tm.socket} completion `), ['bash', 'fish', 'zsh']);
  });

  it('lists and inserts process names in an interactive zsh with compinit, through a real terminal', async (t) => {
    const { tm, bin, path } = await setUp(t);
    const zdotdir = join(bin, 'zdotdir');
    await mkdir(zdotdir);
    const window = await TmuxWindow.open(bin, `env LC_ALL=C PATH='${path}' HOME='${zdotdir}' ZDOTDIR='${zdotdir}' zsh -f -i`);
    t.after(() => window.close());
    // -D: no dump file to write; -u: the temp folders need no ownership audit.
    await window.line(`autoload -U compinit && compinit -u -D && source <(taskmasterctl completion zsh) && echo ready-$((6*7))`);
    await window.waitForScreen(/^ready-42$/m, 'zsh with the script loaded');

    await window.type(`taskmasterctl -s ${tm.socket} status `);
    await window.press('Tab');
    const listed = await window.waitForScreen(/web:web_01/, 'the names listed');
    for (const name of allNames) assert.match(listed, new RegExp(`(^|\\s)${name.replace('*', '\\*')}(\\s|$)`, 'm'), name);

    // A unique name is inserted whole, and the line then runs as typed.
    await window.press('C-u');
    await window.type(`taskmasterctl -s ${tm.socket} status sl`);
    await window.press('Tab');
    await window.waitForScreen(/status sleeper $/m, 'sleeper inserted');
    await window.press('Enter');
    await window.waitForScreen(/^sleeper +RUNNING/m, 'the status of sleeper');

    await window.type(`taskmasterctl -s ${tm.socket} stop web:web_0`);
    await window.press('Tab');
    await window.waitForScreen(/web:web_00 +web:web_01/, 'the two processes of web listed');
    await window.type('1');
    await window.press('Enter');
    await tm.waitForState('web:web_01', 'STOPPED');
    assert.equal((await tm.process('web:web_00')).state, 'RUNNING');

    // The second Tab inserts the first of the list, web:*, quoted so that zsh does not glob it.
    await window.type(`taskmasterctl -s ${tm.socket} stop web:`);
    await window.press('Tab');
    await window.waitForScreen(/^web:\* +web:web_00 +web:web_01/m, 'web:* listed');
    await window.press('Tab');
    await window.waitForScreen(/stop web:\\\*\s*$/m, 'web:* inserted');
    await window.press('Enter');
    await tm.waitForState('web:web_00', 'STOPPED');
  });
});
