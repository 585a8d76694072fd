// The memory floor: Node holding N idle children with piped stdio, and nothing else.
import { spawn, type ChildProcess } from 'node:child_process';

const count = Number(process.argv[2]);
const [command, ...args] = process.argv.slice(3);
const children: ChildProcess[] = [];
for (let index = 0; index < count; index += 1) {
  const child = spawn(command!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdout?.on('data', () => {});
  child.stderr?.on('data', () => {});
  children.push(child);
}
process.stdout.write(`${children.map((child) => child.pid).join(' ')}\n`);
process.on('SIGTERM', () => {
  for (const child of children) child.kill('SIGKILL');
  process.exit(0);
});
