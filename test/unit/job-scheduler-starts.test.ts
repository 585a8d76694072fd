import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ProgramConfig, ScheduleConfig } from '../../src/config/types.js';
import { JobScheduler, type JobHost } from '../../src/features/job-scheduler.js';
import { JobState } from '../../src/features/job-state.js';
import { StartQueue } from '../../src/features/start-queue.js';
import { StateFile } from '../../src/output/state-file.js';

const everySecond: ScheduleConfig = { expression: '* * * * * *', timezone: null, overlap: 'skip', catchup: false, jitterMs: 0, times: 0, retryDelayMs: 1000, retryMaxDelayMs: 60_000 };

/** A StartQueue that holds its starts until released, so a test sees what waits in it. */
class HeldStarts extends StartQueue {
  readonly held: (() => void)[] = [];
  override push(start: () => void): void {
    this.held.push(start);
  }
}

function hostCounting(runs: { count: number }): JobHost {
  return {
    isRunning: () => false,
    run: async () => {
      runs.count += 1;
      return { ok: true, results: [] };
    },
    stop: async () => {},
    log: () => {},
    finished: () => {},
  };
}

async function withState(body: (state: JobState) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tm-job-starts-'));
  try {
    await body(new JobState(new StateFile(join(dir, 'state.json'))));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('a due tick waits in the shared start queue and runs when the queue lets it', async () => {
  await withState(async (state) => {
    const runs = { count: 0 };
    const starts = new HeldStarts();
    const scheduler = new JobScheduler({ name: 'tick' } as ProgramConfig, everySecond, state, hostCounting(runs), starts);
    scheduler.start();
    try {
      await waitFor(() => starts.held.length > 0, 'the first tick to be queued');
      assert.equal(runs.count, 0, 'the tick did not run before the queue released it');
      starts.held.shift()!();
      await waitFor(() => runs.count === 1, 'the released tick to run');
    } finally {
      scheduler.stop();
    }
  });
});

test('a tick still in the start queue from before a stop does not run after the schedule starts again', async () => {
  await withState(async (state) => {
    const runs = { count: 0 };
    const starts = new HeldStarts();
    const scheduler = new JobScheduler({ name: 'tick' } as ProgramConfig, everySecond, state, hostCounting(runs), starts);
    scheduler.start();
    try {
      await waitFor(() => starts.held.length > 0, 'the first tick to be queued');
      const stale = starts.held.shift()!;
      scheduler.stop();
      scheduler.start();
      stale();
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(runs.count, 0);
    } finally {
      scheduler.stop();
    }
  });
});
