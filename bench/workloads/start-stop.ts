import { performance } from 'node:perf_hooks';
import type { Session } from '../tools/session.js';

const pollMs = 50;

/** Runs `action`, then waits until the tool's own status agrees; the time ends when both are done. */
async function timedUntil(session: Session, action: () => Promise<void>, done: (running: number, total: number) => boolean, timeoutMs: number): Promise<number> {
  const startedAt = performance.now();
  await action();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await session.rows();
    if (done(rows.filter((row) => row.running).length, rows.length)) return performance.now() - startedAt;
    if (Date.now() > deadline) throw new Error(`${session.tool}: status never agreed within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** `start all` through the tool's CLI until every process is running, in ms. */
export function timeStartAll(session: Session, count: number): Promise<number> {
  return timedUntil(session, () => session.startAll(), (running) => running === count, 180_000);
}

/** `stop all` through the tool's CLI until none is running, in ms. */
export function timeStopAll(session: Session): Promise<number> {
  return timedUntil(session, () => session.stopAll(), (running) => running === 0, 180_000);
}
