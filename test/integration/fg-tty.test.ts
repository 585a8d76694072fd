import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, RunningTaskmaster, taskmasterctlBin, waitFor } from '../helpers.js';
import { TmuxWindow } from '../tmux-window.js';

const count = (text: string, pattern: RegExp): number => (text.match(new RegExp(pattern.source, 'gm')) ?? []).length;

describe('fg on a tty: true program, through a real terminal', () => {
  let tm: RunningTaskmaster;
  const windows: TmuxWindow[] = [];

  before(async () => {
    const dir = await makeTempDir();
    tm = await RunningTaskmaster.start(
      `
programs:
  py: { cmd: "python3 -i -q", tty: true, starttime: 0, stoptime: 3s }
  plain: { cmd: "sleep 1000", starttime: 0 }
`,
      dir,
    );
    await tm.waitForState('py', 'RUNNING');
  });

  after(async () => {
    for (const window of windows) await window.close();
    await tm.stop();
  });

  const fg = async (name: string, size?: { cols: number; rows: number }): Promise<TmuxWindow> => {
    const window = await TmuxWindow.open(tm.dir, `${process.execPath} ${taskmasterctlBin} -s ${tm.socket} fg ${name}`, size);
    windows.push(window);
    return window;
  };

  it('attaches a Python REPL: 6*7 answers 42, a resize reaches it, Ctrl-] detaches and it keeps running', async () => {
    const { pid } = await tm.process('py');
    const window = await fg('py', { cols: 120, rows: 40 });
    await window.waitForScreen(/attached to py \(pid \d+\) on its terminal; Ctrl-\] or Ctrl-P Ctrl-Q detaches/, 'the attach notice');
    await window.line('6*7');
    await window.waitForScreen(/^42\r?$/m, 'the answer');

    await window.line('import os; os.get_terminal_size()');
    await window.waitForScreen(/terminal_size\(columns=120, lines=40\)/, 'the size at attach');
    await window.resize(100, 30);
    // The resize goes out on SIGWINCH; ask until the REPL sees it.
    await waitFor(async () => {
      await window.line('os.get_terminal_size()');
      return /terminal_size\(columns=100, lines=30\)/.test(await window.screen());
    }, 'the REPL to see the new size', 30_000);

    await window.press('C-]');
    await window.waitForScreen(/\[detached from py; it keeps running\]/, 'the detach notice');
    assert.equal(await window.waitForExit(), 0, 'taskmasterctl fg returns once detached');
    const after = await tm.process('py');
    assert.equal(after.state, 'RUNNING');
    assert.equal(after.pid, pid, 'the same run goes on');
  });

  it('replays the recent screen; the first viewer types, the second watches and takes over once it leaves (Ctrl-P Ctrl-Q)', async () => {
    const first = await fg('py');
    await first.waitForScreen(/on its terminal/, 'the first attach');
    await first.line('print("first" + "-viewer")');
    await first.waitForScreen(/^first-viewer\r?$/m, 'the first viewer\'s output');

    const second = await fg('py');
    // What the REPL printed before the second viewer came is replayed to it.
    await second.waitForScreen(/^first-viewer\r?$/m, 'the replayed screen');
    await second.waitForScreen(/\[another viewer types; you watch until it detaches\]/, 'the watcher notice');
    await second.line('"watcher" + "-typed"');
    await first.line('"typist" + "-typed"');
    await second.waitForScreen(/^'typist-typed'\r?$/m, 'the typist\'s answer on the watcher\'s screen');
    await first.waitForScreen(/^'typist-typed'\r?$/m, 'the typist\'s answer on its own screen');
    assert.doesNotMatch(await first.screen(), /watcher-typed/, 'a watcher\'s keys do not reach the program');

    await first.press('C-p');
    await first.press('C-q');
    assert.equal(await first.waitForExit(), 0);
    await second.waitForScreen(/\[you type now\]/, 'the take-over notice');
    await second.line('"second" + "-now"');
    await second.waitForScreen(/^'second-now'\r?$/m, 'the second viewer typing');
    await second.press('C-]');
    assert.equal(await second.waitForExit(), 0);
    assert.equal((await tm.process('py')).state, 'RUNNING');
  });

  it('leaves the shell at its prompt after a detach, and keeps line-mode fg for a program without tty', async () => {
    const shell = await TmuxWindow.open(tm.dir, `${process.execPath} ${taskmasterctlBin} -s ${tm.socket}`);
    windows.push(shell);
    await shell.waitForScreen(/^taskmaster> $/m, 'the prompt');
    await shell.line('fg py');
    await shell.waitForScreen(/on its terminal/, 'the attach notice');
    await shell.line('7*6');
    await waitFor(async () => count(await shell.screen(), /^42\r?$/) >= 1, 'the answer in the shell', 30_000);
    await shell.press('C-]');
    await shell.waitForScreen(/\[detached from py; it keeps running\]\n+taskmaster> $/m, 'the prompt after the detach');
    await shell.line('status py');
    await shell.waitForScreen(/^py +RUNNING +pid \d+/m, 'status typed at the prompt again');

    await shell.line('fg plain');
    await shell.waitForScreen(/attached to plain \(pid \d+\); Ctrl-C or Ctrl-D detaches/, 'the line-mode attach of a piped program');
    await shell.press('C-c');
    await shell.waitForScreen(/detached from plain\n+taskmaster> $/m, 'the prompt after a line-mode detach');
    await shell.line('quit');
    assert.equal(await shell.waitForExit(), 0);
  });
});
