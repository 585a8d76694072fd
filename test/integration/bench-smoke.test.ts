import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeTempDir, repoRoot, run } from '../helpers.js';

interface Row {
  id: string;
  cells: Record<string, { value: number } | { missing: string }>;
}

test('the benchmark harness measures Taskmaster and its floor at smoke size and writes its report', { timeout: 60_000 }, async () => {
  const outDir = await makeTempDir('tm-bench-smoke-');
  try {
    const result = await run(process.execPath, [join(repoRoot, 'dist', 'bench', 'run.js'), '--smoke', '--only', 'taskmaster', '--out', outDir], { timeoutMs: 58_000 });
    assert.equal(result.code, 0, result.stderr);
    const { rows } = JSON.parse(await readFile(join(outDir, 'results.json'), 'utf8')) as { rows: Row[] };
    const number = (id: string, column: string): number => {
      const cell = rows.find((row) => row.id === id)?.cells[column];
      assert.ok(cell && 'value' in cell, `${id} has a number for ${column}: ${JSON.stringify(cell)}`);
      return cell.value;
    };
    for (const id of ['restart-median', 'restart-p99', 'fleet-start', 'fleet-stop', 'status-cli', 'reload-time', 'output-rate-1', 'output-rate-binary-1', 'start-command', 'flood-restart-p99', 'schedule-runs']) {
      assert.ok(number(id, 'taskmaster') > 0, `${id} is positive`);
    }
    assert.ok(number('restart-median', 'floor') > 0);
    // Issue 17: the start floor and the churn, for Taskmaster and its floor alike.
    assert.ok(number('fleet-start', 'floor') > 0);
    for (const column of ['taskmaster', 'floor']) assert.ok(number('churn-rss-growth', column) > 0, `churn growth for ${column}`);
    assert.equal(number('reload-restarted', 'taskmaster'), 1);
    const supervisord = rows.find((row) => row.id === 'restart-median')?.cells['supervisord'];
    assert.deepEqual(supervisord, { missing: 'not run (--only)' });
    assert.match(await readFile(join(outDir, 'benchmarks.md'), 'utf8'), /\| restart latency, median \| ms \|/);
    assert.match(await readFile(join(outDir, 'benchmarks.svg'), 'utf8'), /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
});
