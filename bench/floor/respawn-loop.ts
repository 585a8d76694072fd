// The restart floor: a Node program that does nothing but respawn its child when it exits.
import { spawn, type ChildProcess } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
let child: ChildProcess;
const run = (): void => {
  child = spawn(command!, args, { stdio: 'ignore' });
  child.on('exit', run);
};
run();
process.on('SIGTERM', () => {
  child.removeAllListeners('exit');
  child.kill('SIGKILL');
  process.exit(0);
});
