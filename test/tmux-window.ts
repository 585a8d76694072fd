import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from './helpers.js';

const tmuxBin = '/usr/bin/tmux';

function runTmux(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tmuxBin, args, { timeout: 30_000 }, (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }));
  });
}

/** One private tmux server with one window running a command: a real terminal to type into, resize and read. */
export class TmuxWindow {
  private constructor(
    private readonly server: string,
    private readonly configFile: string,
  ) {}

  static async open(dir: string, command: string, size = { cols: 120, rows: 40 }): Promise<TmuxWindow> {
    const server = `tm-tty-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const configFile = join(dir, `${server}.conf`);
    // Keep a finished command's screen and exit status readable.
    await writeFile(configFile, 'set -g remain-on-exit on\nset -g history-limit 10000\n');
    const window = new TmuxWindow(server, configFile);
    await window.tmux('new-session', '-d', '-s', 'main', '-x', String(size.cols), '-y', String(size.rows), `${command}; echo "[exited with $?]"`);
    return window;
  }

  private async tmux(...args: string[]): Promise<string> {
    const result = await runTmux(['-L', this.server, '-f', this.configFile, ...args]);
    if (result.code !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  }

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

  async resize(cols: number, rows: number): Promise<void> {
    await this.tmux('resize-window', '-t', 'main', '-x', String(cols), '-y', String(rows));
  }

  /** The whole screen and scrollback as plain text, wrapped lines joined. */
  screen(): Promise<string> {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-10000', '-t', 'main');
  }

  async waitForScreen(pattern: RegExp, what: string): Promise<string> {
    return waitFor(async () => {
      const text = await this.screen();
      return pattern.test(text) ? text : undefined;
    }, `${what} on the terminal`, 30_000);
  }

  async waitForExit(): Promise<number> {
    const text = await this.waitForScreen(/\[exited with \d+\]/, 'the command to exit');
    return Number(/\[exited with (\d+)\]/.exec(text)![1]);
  }

  async close(): Promise<void> {
    const socketPath = (await runTmux(['-L', this.server, 'display-message', '-p', '#{socket_path}'])).stdout.trim();
    await runTmux(['-L', this.server, 'kill-server']);
    await rm(this.configFile, { force: true });
    if (socketPath) await rm(socketPath, { force: true });
  }
}
