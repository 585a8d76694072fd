import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { it } from 'node:test';
import { ChildReaper, loadReaperAddon } from '../../src/engine/child-reaper.js';
import { readProcStat } from '../../src/engine/proc-table.js';

it('never reaps a child that Node itself spawned and waits for', async () => {
  const loaded = loadReaperAddon();
  assert.ok('addon' in loaded, `the reaper addon did not load (run npm rebuild): ${'error' in loaded ? loaded.error : ''}`);
  const lines: string[] = [];
  const reaper = new ChildReaper(loaded.addon, { write: (_level, message) => lines.push(message) });
  try {
    const child = spawn('true', { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Hold the event loop until the child is a zombie, so the sweep sees it before libuv does.
    const deadlineMs = Date.now() + 10_000;
    while (readProcStat(child.pid!)?.state !== 'Z' && Date.now() < deadlineMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    assert.equal(readProcStat(child.pid!)?.state, 'Z', 'the child became a zombie');
    reaper.sweep();
    assert.equal(await exited, 0, 'Node lost the exit of its own child');
    assert.equal(reaper.reaped, 0);
  } finally {
    reaper.close();
  }
});
