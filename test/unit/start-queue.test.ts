import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StartQueue } from '../../src/features/start-queue.js';

function spinMs(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

test('a long queue of slow starts lets other callbacks run between its turns', async () => {
  const queue = new StartQueue(10);
  const started: number[] = [];
  for (let index = 0; index < 100; index += 1) queue.push(() => { spinMs(1); started.push(index); });
  // What an exit, a pipe read or a status request would be: a callback queued behind the first turn.
  const startedBeforeOther = await new Promise<number>((resolve) => setImmediate(() => setImmediate(() => resolve(started.length))));
  assert.ok(startedBeforeOther > 0 && startedBeforeOther < 100, `other work ran after ${startedBeforeOther} of 100 starts`);
  await new Promise<void>((resolve) => { const check = (): void => void (queue.length === 0 ? resolve() : setImmediate(check)); check(); });
  assert.deepEqual(started, Array.from({ length: 100 }, (_, index) => index), 'every start ran once, in order');
});

test('a start slower than the budget still lets the next one run in a later turn', async () => {
  const queue = new StartQueue(1);
  const started: string[] = [];
  queue.push(() => { spinMs(5); started.push('slow'); });
  queue.push(() => started.push('next'));
  await new Promise<void>((resolve) => { const check = (): void => void (queue.length === 0 ? resolve() : setImmediate(check)); check(); });
  assert.deepEqual(started, ['slow', 'next']);
});
