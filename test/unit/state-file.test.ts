import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StateFile, stateFileMaxBytes } from '../../src/output/state-file.js';

function folder(t: { after(fn: () => void): void }): string {
  const path = mkdtempSync(join(tmpdir(), 'tm-state-'));
  t.after(() => rmSync(path, { recursive: true, force: true }));
  return path;
}

describe('state file', () => {
  it('keeps every section across a new reader, written together on flush', (t) => {
    const path = join(folder(t), 'sub', 'taskmaster-state.json');
    const first = new StateFile(path);
    first.set('lastTicks', { job: 5 });
    first.set('history', { web: [1, 2] });
    first.flush();
    const second = new StateFile(path);
    assert.deepEqual(second.get('lastTicks'), { job: 5 });
    assert.deepEqual(second.get('history'), { web: [1, 2] });
    second.set('history', undefined);
    second.flush();
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { lastTicks: { job: 5 } });
  });

  it('starts empty from a corrupt file, saying so, and refuses to grow past its bound', (t) => {
    const path = join(folder(t), 'taskmaster-state.json');
    writeFileSync(path, '{ not json');
    const said: string[] = [];
    const state = new StateFile(path, (message) => said.push(message));
    assert.equal(state.get('lastTicks'), undefined);
    assert.match(said[0]!, /not valid JSON/);
    state.set('big', 'x'.repeat(stateFileMaxBytes));
    state.flush();
    assert.equal(readFileSync(path, 'utf8'), '{ not json');
    assert.match(said[1]!, /would pass/);
  });

  it('logs a folder it cannot write once per outage (a file where the folder should be fails even for root)', (t) => {
    const base = folder(t);
    writeFileSync(join(base, 'blocker'), '');
    const said: string[] = [];
    const state = new StateFile(join(base, 'blocker', 'taskmaster-state.json'), (message) => said.push(message));
    state.set('a', 1);
    state.flush();
    state.set('a', 2);
    state.flush();
    assert.equal(said.length, 1);
    assert.match(said[0]!, /cannot write state file/);
  });
});
