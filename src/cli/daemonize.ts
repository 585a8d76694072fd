import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';

/**
 * Re-runs taskmaster detached from the terminal and without the shell; returns once the
 * background supervisor reports its socket is up (0), or has exited with an error (1).
 */
export async function daemonize(args: readonly string[]): Promise<number> {
  const childArgs = args.filter((arg) => arg !== '-d' && arg !== '--daemon');
  if (!childArgs.includes('--no-shell')) childArgs.push('--no-shell');
  const devNull = openSync('/dev/null', 'r+');
  const child = spawn(process.execPath, [process.argv[1]!, ...childArgs], {
    detached: true,
    stdio: [devNull, devNull, 'pipe', 'ipc'],
  });
  let errors = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (errors += text));
  const ready = await new Promise<boolean>((resolve) => {
    child.once('message', () => resolve(true));
    child.once('exit', () => resolve(false));
  });
  if (!ready) {
    process.stderr.write(errors || 'taskmaster: the background supervisor exited at start\n');
    return 1;
  }
  child.stderr?.destroy();
  child.disconnect();
  child.unref();
  process.stdout.write(`taskmaster started in the background with pid ${child.pid}\n`);
  return 0;
}
