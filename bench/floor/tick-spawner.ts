// The schedule floor: a Node program that spawns N piped `true` children at each whole second, and nothing else.
import { spawn } from 'node:child_process';
import { setImmediate as nextTurn } from 'node:timers/promises';

const jobs = Number(process.argv[2]);
const [command, ...args] = process.argv.slice(3);
/** Spawns between two turns of the event loop, so that a SIGTERM is seen during a long tick. */
const spawnsPerTurn = 50;
/** Flat pairs: the tick (ms since the epoch), then the spawn's lateness after it. */
const spawns: number[] = [];
let stopping = false;
let timer: NodeJS.Timeout;

async function tick(tickAt: number): Promise<void> {
  for (let job = 0; job < jobs && !stopping; job += 1) {
    const child = spawn(command!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    spawns.push(tickAt, Date.now() - tickAt);
    child.stdout!.resume();
    child.stderr!.resume();
    child.stdin!.end();
    if (job % spawnsPerTurn === spawnsPerTurn - 1) await nextTurn();
  }
  // Armed after the spawns: ticks that passed meanwhile are skipped, as a late cron timer skips them.
  if (!stopping) arm();
}

function arm(): void {
  const tickAt = Math.ceil((Date.now() + 1) / 1000) * 1000;
  timer = setTimeout(() => void tick(tickAt), tickAt - Date.now());
}

arm();
// SIGTERM prints every spawn as JSON and exits; the bench keeps those of its window.
process.on('SIGTERM', () => {
  stopping = true;
  clearTimeout(timer);
  process.stdout.write(`${JSON.stringify(spawns)}\n`, () => process.exit(0));
});
