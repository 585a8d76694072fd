import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ctl, isAlive, makeTempDir, repoRoot, RunningTaskmaster, taskmasterBin, taskmasterctlBin, waitFor } from '../helpers.js';

const tmuxBin = '/usr/bin/tmux';
const prompt = 'taskmaster> ';

/** Runs tmux itself; nothing is written to its stdin, which it never reads (writing could EPIPE). */
function runTmux(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tmuxBin, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? 1 : 0, stdout, stderr });
    });
  });
}

/** One private tmux server with one window: a real terminal to type into and read back. */
class TerminalSession {
  private constructor(
    private readonly server: string,
    private readonly configFile: string,
  ) {}

  static async open(dir: string, command: string): Promise<TerminalSession> {
    const server = `tm-pty-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const configFile = join(dir, 'tmux.conf');
    // Keep a finished program's screen and exit status readable.
    await writeFile(configFile, 'set -g remain-on-exit on\nset -g history-limit 10000\n');
    const session = new TerminalSession(server, configFile);
    await session.tmux('new-session', '-d', '-s', 'main', '-x', '160', '-y', '50', `${command}; echo "[exited with $?]"`);
    return session;
  }

  private async tmux(...args: string[]): Promise<string> {
    const result = await runTmux(['-L', this.server, '-f', this.configFile, ...args]);
    if (result.code !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  }

  /** Types text literally, without pressing Enter. */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', 'main', '-l', text);
  }

  async press(...keys: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', 'main', ...keys);
  }

  async line(text: string): Promise<void> {
    await this.type(text);
    await this.press('Enter');
  }

  /** The whole screen and scrollback as plain text, wrapped lines joined. */
  screen(withColour = false): Promise<string> {
    return this.tmux('capture-pane', '-p', '-J', ...(withColour ? ['-e'] : []), '-S', '-10000', '-t', 'main');
  }

  /** The line the cursor is on, up to the cursor: what is being edited at the prompt. */
  async currentLine(): Promise<string> {
    const [cursorX, cursorY] = (await this.tmux('display-message', '-p', '-t', 'main', '#{cursor_x} #{cursor_y}')).trim().split(' ').map(Number);
    const visible = (await this.tmux('capture-pane', '-p', '-t', 'main')).split('\n');
    // capture-pane trims trailing blanks; the cursor column tells where the line really ends.
    return (visible[cursorY!] ?? '').padEnd(cursorX!).slice(0, cursorX!);
  }

  /**
   * Presses Tab until the list of completions shows. readline takes the first of two Tabs
   * that arrive in one read as pasted text, so each Tab is sent alone and a stray one undone.
   */
  async listCompletions(typed: string, pattern: RegExp, what: string): Promise<void> {
    await waitFor(async () => {
      if ((await this.currentLine()) !== `${prompt}${typed}`) {
        await this.press('C-u');
        await this.type(typed);
        await this.waitForCurrentLine(`${prompt}${typed}`);
      }
      await this.press('Tab');
      return pattern.test(await this.screen());
    }, what, 30_000);
  }

  async waitForScreen(pattern: RegExp, what: string): Promise<string> {
    return waitFor(async () => {
      const text = await this.screen();
      return pattern.test(text) ? text : undefined;
    }, `${what} on the terminal`, 30_000);
  }

  async waitForCurrentLine(expected: string): Promise<void> {
    await waitFor(async () => (await this.currentLine()) === expected, `the edited line to read ${JSON.stringify(expected)} (it reads ${JSON.stringify(await this.currentLine())})`, 30_000);
  }

  /** Resolves with the exit status once the program in the window has ended. */
  async waitForExit(): Promise<number> {
    const text = await this.waitForScreen(/\[exited with \d+\]/, 'the program to exit');
    return Number(/\[exited with (\d+)\]/.exec(text)![1]);
  }

  async close(): Promise<void> {
    const socketPath = (await runTmux(['-L', this.server, 'display-message', '-p', '#{socket_path}'])).stdout.trim();
    await runTmux(['-L', this.server, 'kill-server']);
    // tmux may leave its socket file behind when killed.
    if (socketPath) await rm(socketPath, { force: true });
  }
}

const count = (text: string, pattern: RegExp): number => (text.match(new RegExp(pattern.source, 'gm')) ?? []).length;

describe('taskmasterctl shell on a real terminal', () => {
  let tm: RunningTaskmaster;
  let dir: string;
  let historyFile: string;

  before(async () => {
    dir = await makeTempDir();
    historyFile = join(dir, 'state', 'history');
    tm = await RunningTaskmaster.start(
      `
programs:
  sleeper: { cmd: "sleep 1000", starttime: 0 }
  web: { cmd: "sleep 1000", starttime: 0, numprocs: 2 }
  manual: { cmd: "sleep 1000", autostart: false }
`,
      dir,
    );
    for (const name of ['sleeper', 'web:web_00', 'web:web_01']) await tm.waitForState(name, 'RUNNING');
  });

  after(async () => {
    await tm.stop();
  });

  const openShell = (): Promise<TerminalSession> =>
    TerminalSession.open(dir, `env -u NO_COLOR TASKMASTER_HISTORY=${historyFile} ${process.execPath} ${taskmasterctlBin} -s ${tm.socket}`);

  it('runs typed commands, recalls history with the arrow keys, completes, helps and quits', async () => {
    const terminal = await openShell();
    try {
      await terminal.waitForScreen(/type help for commands/, 'the greeting');
      await terminal.waitForCurrentLine(prompt);

      await terminal.line('status');
      const afterStatus = await terminal.waitForScreen(/^web:web_01 +RUNNING +pid \d+, uptime /m, 'the status lines');
      assert.match(afterStatus, /^sleeper +RUNNING +pid \d+, uptime \d+:\d\d:\d\d$/m);
      assert.match(afterStatus, /^manual +STOPPED +Not started$/m);
      assert.match(await terminal.screen(true), /\x1b\[32mRUNNING/, 'states are coloured on a terminal');

      await terminal.line('version');
      await terminal.waitForScreen(/^\d+\.\d+\.\d+$/m, 'the version');
      await terminal.waitForCurrentLine(prompt);

      // Up recalls the newest line first, then older ones; Enter runs the recalled line.
      await terminal.press('Up');
      await terminal.waitForCurrentLine(`${prompt}version`);
      await terminal.press('Up');
      await terminal.waitForCurrentLine(`${prompt}status`);
      await terminal.press('Down');
      await terminal.waitForCurrentLine(`${prompt}version`);
      await terminal.press('Up');
      await terminal.waitForCurrentLine(`${prompt}status`);
      await terminal.press('Enter');
      await waitFor(async () => count(await terminal.screen(), /^sleeper +RUNNING/) === 2, 'status to run again from history', 30_000);
      await terminal.waitForCurrentLine(prompt);

      // A unique prefix completes in place.
      await terminal.listCompletions('sta', /^start +status *$/m, 'the two commands starting with sta');
      await terminal.type('tu');
      await terminal.press('Tab');
      await terminal.waitForCurrentLine(`${prompt}status `);

      // Process and group names complete after a command.
      await terminal.type('sle');
      await terminal.press('Tab');
      await terminal.waitForCurrentLine(`${prompt}status sleeper `);
      await terminal.listCompletions('status sleeper web:web_0', /^web:web_00 +web:web_01 *$/m, 'the two web processes offered');
      await terminal.type('1');
      await terminal.press('Enter');
      await terminal.waitForScreen(/^taskmaster> status sleeper web:web_01\nsleeper +RUNNING.*\nweb:web_01 +RUNNING.*$/m, 'the status of the two completed names');

      await terminal.line('help');
      const helped = await terminal.waitForScreen(/^ +help \[COMMAND\] /m, 'the command list');
      for (const command of ['status', 'start', 'stop', 'restart', 'signal', 'reload', 'reread', 'tail', 'maintail', 'fg', 'shutdown']) {
        assert.match(helped, new RegExp(`^  ${command}\\b`, 'm'), command);
      }
      await terminal.line('help stop');
      await terminal.waitForScreen(/^stop NAME\.\.\.\|all\n +stop processes and wait until stopped$/m, 'help for stop');

      await terminal.line('quit');
      assert.equal(await terminal.waitForExit(), 0);
    } finally {
      await terminal.close();
    }
    // Leaving taskmasterctl's shell only closes the client.
    assert.equal(tm.child.exitCode, null);
    assert.equal((await tm.process('sleeper')).state, 'RUNNING');
    const history = (await readFile(historyFile, 'utf8')).trimEnd().split('\n');
    assert.deepEqual(history.slice(-6), ['version', 'status', 'status sleeper web:web_01', 'help', 'help stop', 'quit']);
    assert.equal((await stat(historyFile)).mode & 0o777, 0o600);
  });

  it('keeps its history across runs, and Ctrl-D leaves', async () => {
    const terminal = await openShell();
    try {
      await terminal.waitForCurrentLine(prompt);
      await terminal.press('Up');
      await terminal.waitForCurrentLine(`${prompt}quit`);
      await terminal.press('Up');
      await terminal.waitForCurrentLine(`${prompt}help stop`);
      await terminal.press('Up');
      await terminal.waitForCurrentLine(`${prompt}help`);
      await terminal.press('C-u');
      await terminal.waitForCurrentLine(prompt);
      await terminal.press('C-d');
      assert.equal(await terminal.waitForExit(), 0);
    } finally {
      await terminal.close();
    }
    assert.equal(tm.child.exitCode, null);
  });
});

describe('the foreground taskmaster shell on a real terminal', () => {
  it('runs status while supervising, and quit stops the supervisor and its processes', async () => {
    const dir = await makeTempDir();
    const configFile = join(dir, 'taskmaster.yaml');
    const socket = join(dir, 'tm.sock');
    await writeFile(configFile, 'programs:\n  sleeper: { cmd: "sleep 1000", starttime: 0 }\n  pair: { cmd: "sleep 1000", starttime: 0, numprocs: 2 }\n');
    const terminal = await TerminalSession.open(
      dir,
      `TASKMASTER_HISTORY=${join(dir, 'history')} ${process.execPath} ${taskmasterBin} -c ${configFile} -s ${socket} -l ${join(dir, 'taskmaster.log')}`,
    );
    let pids: [string, number][] = [];
    try {
      await terminal.waitForScreen(/quit or Ctrl-D to stop taskmaster/, 'the greeting of the foreground shell');
      await terminal.waitForCurrentLine(prompt);
      pids = await waitFor(async () => {
        const result = await ctl(socket, '--json', 'status');
        if (result.code !== 0) return undefined;
        return (JSON.parse(result.stdout) as { name: string; pid: number }[]).map((entry): [string, number] => [entry.name, entry.pid]);
      }, 'every process RUNNING, seen through the socket', 30_000);
      assert.equal(pids.length, 3);

      await terminal.line('status');
      const screen = await terminal.waitForScreen(/^pair:pair_01 +RUNNING +pid \d+/m, 'status in the foreground shell');
      for (const [name, pid] of pids) assert.match(screen, new RegExp(`^${name} +RUNNING +pid ${pid}, uptime `, 'm'));

      await terminal.line('quit');
      assert.equal(await terminal.waitForExit(), 0);
      await terminal.waitForScreen(/leaving the shell: stopping every process and exiting/, 'the goodbye');
    } finally {
      // Should the test fail early, the supervisor must not outlive it.
      await ctl(socket, 'shutdown');
      await terminal.close();
    }
    for (const [name, pid] of pids) assert.ok(!isAlive(pid), `${name} (pid ${pid}) was stopped`);
    await assert.rejects(stat(socket), { code: 'ENOENT' });
    assert.match(await readFile(join(dir, 'taskmaster.log'), 'utf8'), /taskmaster stopped/);
    await rm(dir, { recursive: true, force: true });
  });
});

describe('long actions and attaching on a real terminal', () => {
  it('shows the progress of a slow stop, and attaches to a process with fg until Ctrl-C', async () => {
    const dir = await makeTempDir();
    const tm = await RunningTaskmaster.start(
      `
programs:
  slow: { cmd: "${join(repoRoot, 'test', 'fixtures', 'ignore-term.sh')}", numprocs: 3, starttime: 0, stoptime: 3 }
  echo: { cmd: "cat", starttime: 0 }
`,
      dir,
    );
    const terminal = await TerminalSession.open(dir, `TASKMASTER_HISTORY=${join(dir, 'history')} ${process.execPath} ${taskmasterctlBin} -s ${tm.socket}`);
    try {
      for (const name of ['slow:slow_00', 'slow:slow_01', 'slow:slow_02', 'echo']) await tm.waitForState(name, 'RUNNING');
      await terminal.waitForCurrentLine(prompt);
      await terminal.line('stop slow');
      await terminal.waitForScreen(/stopping: 0\/3 done, waiting for slow:slow_00, slow:slow_01, slow:slow_02/, 'the progress line');
      const stopped = await terminal.waitForScreen(/^slow:slow_02: stopped$/m, 'the stop results');
      assert.doesNotMatch(stopped.split('slow:slow_00: stopped')[1] ?? '', /waiting for/, 'the progress line is cleared at the end');
      await terminal.waitForCurrentLine(prompt);

      await terminal.line('fg echo');
      await terminal.waitForScreen(/attached to echo \(pid \d+\); Ctrl-C or Ctrl-D detaches/, 'attached');
      await terminal.line('hello from the terminal');
      await waitFor(async () => count(await terminal.screen(), /^hello from the terminal$/) === 2, 'the line typed and echoed back by cat');
      await terminal.press('C-c');
      await terminal.waitForScreen(/detached from echo/, 'detached');
      await terminal.waitForCurrentLine(prompt);
      assert.equal((await tm.process('echo')).state, 'RUNNING');
      await terminal.line('quit');
      assert.equal(await terminal.waitForExit(), 0);
    } finally {
      await terminal.close();
      await tm.stop();
    }
  });
});
