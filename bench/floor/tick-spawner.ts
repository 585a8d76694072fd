// The schedule floor: a Node program that spawns N piped `true` children at each whole second, and nothing else.
import { spawn } from 'node:child_process';

const jobs = Number(process.argv[2]);
const [command, ...args] = process.argv.slice(3);
const latenessMs: number[] = [];
let timer: NodeJS.Timeout;
const arm = (): void => {
  const tickAt = Math.ceil((Date.now() + 1) / 1000) * 1000;
  timer = setTimeout(() => {
    arm();
    for (let job = 0; job < jobs; job += 1) {
      const child = spawn(command!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      latenessMs.push(Date.now() - tickAt);
      child.stdout!.resume();
      child.stderr!.resume();
      child.stdin!.end();
    }
  }, tickAt - Date.now());
};
arm();
// SIGUSR2 starts a window afresh; SIGTERM prints the window's lateness as JSON and exits.
process.on('SIGUSR2', () => (latenessMs.length = 0));
process.on('SIGTERM', () => {
  clearTimeout(timer);
  process.stdout.write(`${JSON.stringify(latenessMs)}\n`, () => process.exit(0));
});
