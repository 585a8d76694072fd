import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RunRecord } from '../../src/contracts/process-info.js';
import { StateFile } from '../../src/output/state-file.js';
import { historyMaxBytes, keptRunsPerProcess, RunHistoryStore } from '../../src/features/run-history-store.js';
import { RunHistory } from '../../src/features/run-history.js';

function statePath(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tm-history-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'taskmaster-state.json');
}

const failed = (startedAt: number, lines: string[] = []): RunRecord => ({ startedAt, endedAt: startedAt + 5, durationMs: 5, exitCode: 3, signal: null, result: 'failure', lastLines: lines });

describe('run history kept in the state file', () => {
  it('gives a new reader the ended runs with their last lines, not the one going on', (t) => {
    const path = statePath(t);
    const state = new StateFile(path);
    const history = new RunHistory(new RunHistoryStore(state), () => 'web');
    history.started(1000);
    const ended = history.ended(1500, 3, null, 'failure')!;
    history.addLines(ended, ['a', 'b', 'c', 'd', 'e', 'f']);
    history.started(2000);
    assert.equal(history.list().length, 2);
    assert.equal(history.last()?.result, 'running');
    state.flush();
    const reread = new RunHistory(new RunHistoryStore(new StateFile(path)), () => 'web');
    assert.deepEqual(reread.list(), [{ startedAt: 1000, endedAt: 1500, durationMs: 500, exitCode: 3, signal: null, result: 'failure', lastLines: ['b', 'c', 'd', 'e', 'f'] }]);
  });

  it('keeps the last runs of each process and stays within its byte bound', (t) => {
    const state = new StateFile(statePath(t));
    const store = new RunHistoryStore(state);
    for (let run = 0; run < keptRunsPerProcess + 10; run += 1) store.add('web', failed(run));
    assert.equal(store.runsOf('web').length, keptRunsPerProcess);
    assert.equal(store.runsOf('web')[0]!.startedAt, 10);
    const line = 'x'.repeat(512);
    for (let name = 0; name < 200; name += 1) for (let run = 0; run < 10; run += 1) store.add(`p${name}`, failed(run, [line, line, line, line, line]));
    state.flush();
    const bytes = Buffer.byteLength(JSON.stringify(JSON.parse(readFileSync(state.path, 'utf8')).history));
    assert.ok(bytes <= historyMaxBytes, `${bytes} bytes`);
    assert.ok(bytes > historyMaxBytes * 0.9, 'it fills its bound rather than dropping everything');
    // The longest histories lose their oldest runs first: every process keeps its latest.
    for (const name of ['p0', 'p100', 'p199']) assert.ok(store.runsOf(name).length >= 1 && store.runsOf(name).at(-1)!.startedAt === 9, name);
    assert.ok(store.runsOf('web').length > 10, 'a history of small runs is not emptied for big ones');
  });

  it('reads back only well-formed runs from a file edited by hand', (t) => {
    const path = statePath(t);
    writeFileSync(path, JSON.stringify({ history: { web: [failed(1), { startedAt: 'soon' }, 7, { ...failed(2), result: 'great' }], db: 'none', other: [{ ...failed(3), lastLines: ['ok', 4] }] }, lastTicks: { job: 1 } }));
    const store = new RunHistoryStore(new StateFile(path));
    assert.deepEqual(store.runsOf('web'), [failed(1)]);
    assert.deepEqual(store.runsOf('db'), []);
    assert.deepEqual(store.runsOf('other')[0]!.lastLines, ['ok']);
  });
});
