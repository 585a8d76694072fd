// The start floor: Node spawning N children as Taskmaster does (three pipes, own session), once told to on stdin.
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const count = Number(process.argv[2]);
const [command, ...args] = process.argv.slice(3);
const children: ChildProcess[] = [];
process.stdin.once('data', () => {
  const startedAt = performance.now();
  let spawned = 0;
  for (let index = 0; index < count; index += 1) {
    const child = spawn(command!, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    child.stdout?.on('data', () => {});
    child.stderr?.on('data', () => {});
    child.once('spawn', () => {
      spawned += 1;
      if (spawned === count) process.stdout.write(`${performance.now() - startedAt}\n`);
    });
    children.push(child);
  }
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  for (const child of children) child.kill('SIGKILL');
  process.exit(0);
});
