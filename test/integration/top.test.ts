import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, RunningTaskmaster, taskmasterctlBin, waitFor } from '../helpers.js';

const tmuxBin = '/usr/bin/tmux';

function runTmux(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tmuxBin, args, { timeout: 30_000 }, (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }));
  });
}

/** A private tmux server running one command in a 120x24 window; what the program wrote is also recorded raw. */
class TopWindow {
  private constructor(
    private readonly server: string,
    private readonly configFile: string,
    readonly rawFile: string,
  ) {}

  static async open(dir: string, command: string): Promise<TopWindow> {
    const server = `tm-top-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const configFile = join(dir, `tmux-${server}.conf`);
    await writeFile(configFile, 'set -g remain-on-exit on\n');
    const window = new TopWindow(server, configFile, join(dir, `raw-${server}.txt`));
    await window.tmux('new-session', '-d', '-s', 'main', '-x', '120', '-y', '24', `${command}; echo "[exited with $?]"`);
    await window.tmux('pipe-pane', '-o', '-t', 'main', `cat >> ${window.rawFile}`);
    return window;
  }

  private async tmux(...args: string[]): Promise<string> {
    const result = await runTmux(['-L', this.server, '-f', this.configFile, ...args]);
    if (result.code !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  }

  press(...keys: string[]): Promise<string> {
    return this.tmux('send-keys', '-t', 'main', ...keys);
  }

  screen(withColour = false): Promise<string> {
    return this.tmux('capture-pane', '-p', ...(withColour ? ['-e'] : []), '-t', 'main');
  }

  /** The screen and its history: what was printed after top may have scrolled up once the pane died. */
  everything(): Promise<string> {
    return this.tmux('capture-pane', '-p', '-S', '-100', '-t', 'main');
  }

  async exitStatus(): Promise<number> {
    const text = await waitFor(async () => {
      const all = await this.everything();
      return /\[exited with \d+\]/.test(all) ? all : undefined;
    }, 'top to exit', 30_000);
    return Number(/\[exited with (\d+)\]/.exec(text)![1]);
  }

  /** True when the program's last words put the cursor back and left the alternate screen. */
  async restoredTerminal(): Promise<boolean> {
    const raw = await readFile(this.rawFile, 'latin1');
    return raw.includes('\x1b[?1049h') && raw.lastIndexOf('\x1b[?25h') > raw.lastIndexOf('\x1b[?25l') && raw.lastIndexOf('\x1b[?1049l') > raw.lastIndexOf('\x1b[?1049h');
  }

  flag(name: string): Promise<string> {
    return this.tmux('display-message', '-p', '-t', 'main', `#{${name}}`).then((text) => text.trim());
  }

  async waitForScreen(pattern: RegExp, what: string): Promise<string> {
    let last = '';
    try {
      return await waitFor(async () => {
        last = await this.screen();
        return pattern.test(last) ? last : undefined;
      }, `${what} on the screen`, 30_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}; the screen shows:\n${last}`);
    }
  }

  async close(): Promise<void> {
    const socketPath = (await runTmux(['-L', this.server, 'display-message', '-p', '#{socket_path}'])).stdout.trim();
    await runTmux(['-L', this.server, 'kill-server']);
    if (socketPath) await rm(socketPath, { force: true });
  }
}

const rowOf = (screen: string, name: string): string => screen.split('\n').find((line) => line.slice(2).startsWith(`${name} `)) ?? '';

describe('taskmasterctl top on a real terminal', () => {
  let tm: RunningTaskmaster;
  let dir: string;

  before(async () => {
    dir = await makeTempDir();
    tm = await RunningTaskmaster.start(
      `
programs:
  talker: { cmd: "sh -c 'while true; do echo line-from-talker; sleep 0.5; done'", starttime: 0 }
  worker: { cmd: "sleep 1000", starttime: 0, numprocs: 2 }
`,
      dir,
    );
    for (const name of ['talker', 'worker:worker_00', 'worker:worker_01']) await tm.waitForState(name, 'RUNNING');
  });

  after(async () => {
    await tm.stop();
  });

  const openTop = (env: string): Promise<TopWindow> => TopWindow.open(dir, `env ${env} ${process.execPath} ${taskmasterctlBin} -s ${tm.socket} top`);

  it('shows state, CPU and memory, acts on the selected process, shows its log, and restores the terminal on Ctrl-C', { timeout: 120_000 }, async () => {
    const window = await openTop('-u NO_COLOR');
    try {
      await window.waitForScreen(/taskmaster top: 3 processes \(3 RUNNING\)/, 'the header');
      assert.equal(await window.flag('alternate_on'), '1');
      // Memory arrives with the first sampling pass.
      const sampled = await window.waitForScreen(/^> talker +● RUNNING +\d+ +\d+\.\d +[\d.]+[KM] +0 +0:00:\d\d/m, 'talker with CPU and memory');
      assert.match(rowOf(sampled, 'worker:worker_00'), /● RUNNING +\d+ +\d+\.\d +[\d.]+[KM] +0 /);
      assert.match(await window.screen(true), /\x1b\[32m/, 'states are coloured without NO_COLOR');

      const { pid: oldPid } = await tm.process('worker:worker_00');
      await window.press('j');
      await window.waitForScreen(/^> worker:worker_00 /m, 'the selection to move down');
      await window.press('r');
      await window.waitForScreen(/restart worker:worker_00: started/, 'the restart result');
      const restarted = await tm.waitForRestart('worker:worker_00', oldPid);
      await window.waitForScreen(new RegExp(`^> worker:worker_00 +● RUNNING +${restarted.pid} .* 1 +0:00:\\d\\d`, 'm'), 'the new pid and one restart');
      await window.press('x');
      await window.waitForScreen(/^> worker:worker_00 +○ STOPPED +- /m, 'STOPPED');
      await window.press('s');
      await window.waitForScreen(/^> worker:worker_00 +● RUNNING /m, 'RUNNING again');

      await window.press('/', 'w', 'o', 'r', 'k', 'Enter');
      const filtered = await window.waitForScreen(/filter: work/, 'the filter');
      assert.equal(rowOf(filtered, 'talker'), '', 'talker is filtered out');
      assert.notEqual(rowOf(filtered, 'worker:worker_01'), '');
      await window.press('Escape');
      await window.waitForScreen(/^  talker /m, 'talker back once the filter is cleared');

      await window.press('o', 'o', 'o');
      await window.waitForScreen(/sort: memory/, 'the sort key');
      await window.press('o', 'o', 'o');
      await window.waitForScreen(/sort: name/, 'the sort key back to name');
      await window.press('Home', 'l');
      const log = await window.waitForScreen(/(line-from-talker\n){3}/, 'the followed log of the selected process');
      assert.match(log, /\(following\)/);
      await window.press('q');
      await window.waitForScreen(/RESTARTS/, 'the list again');

      await window.press('C-c');
      assert.equal(await window.exitStatus(), 0);
      assert.equal(await window.flag('alternate_on'), '0', 'the alternate screen is left');
      assert.ok(await window.restoredTerminal(), 'the cursor shows again and the alternate screen is left');
    } finally {
      await window.close();
    }
  });

  it('honours NO_COLOR, redraws only on events and the slow tick, and restores the terminal when killed', { timeout: 120_000 }, async () => {
    const window = await openTop('NO_COLOR=1');
    try {
      await window.waitForScreen(/^> talker +● RUNNING +\d+ +\d+\.\d +[\d.]+[KM] /m, 'talker with memory');
      const coloured = (await window.screen(true)).match(/\x1b\[[0-9;]*m/g) ?? [];
      assert.deepEqual(coloured.filter((code) => code !== '\x1b[0m' && code !== '\x1b[m'), [], 'no colour or attribute with NO_COLOR');
      // Frames drawn over 4 s with no state change: at most the sampler's passes (one each 5 s).
      const framesBefore = ((await readFile(window.rawFile, 'latin1')).match(/\x1b\[H/g) ?? []).length;
      await new Promise((resolve) => setTimeout(resolve, 4000));
      const framesAfter = ((await readFile(window.rawFile, 'latin1')).match(/\x1b\[H/g) ?? []).length;
      assert.ok(framesAfter - framesBefore <= 1, `${framesAfter - framesBefore} frames in 4 s of quiet`);
      const pid = Number(await window.flag('pane_pid'));
      const topPid = await waitFor(async () => {
        const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(/\s+/).filter(Boolean);
        return children[0] ? Number(children[0]) : undefined;
      }, 'the env to exec taskmasterctl');
      process.kill(topPid, 'SIGTERM');
      assert.equal(await window.exitStatus(), 0);
      assert.equal(await window.flag('alternate_on'), '0');
      assert.ok(await window.restoredTerminal());
    } finally {
      await window.close();
    }
  });

  it('says so and restores the terminal when the supervisor goes away', { timeout: 120_000 }, async () => {
    const own = await RunningTaskmaster.start(`
programs:
  lone: { cmd: "sleep 1000", starttime: 0 }
`);
    const window = await TopWindow.open(dir, `${process.execPath} ${taskmasterctlBin} -s ${own.socket} top`);
    try {
      await window.waitForScreen(/^> lone +● RUNNING/m, 'the process');
      await own.stop();
      assert.equal(await window.exitStatus(), 2);
      assert.match(await window.everything(), /^top: lost the supervisor|^top: the supervisor closed the event stream/m);
      assert.ok(await window.restoredTerminal());
    } finally {
      await window.close();
      await own.stop();
    }
  });
});
