import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProcessInfo } from '../../src/contracts/process-info.js';
import { parseKeys, type Key } from '../../src/control/top/top-keys.js';
import { applyEvent, applyKey, initialModel, selectedProcess, visibleProcesses, type TopModel } from '../../src/control/top/top-model.js';
import { formatBytes, renderTop } from '../../src/control/top/top-render.js';

function info(name: string, extra: Partial<ProcessInfo> = {}): ProcessInfo {
  return { name, group: name.split(':')[0]!, processName: name, state: 'RUNNING', pid: 100, exitCode: null, signal: null, uptime: 0, description: '', spawnError: null, startedAt: 0, stoppedAt: null, port: null, health: null, nextRunAt: null, lastRun: null, exitReason: null, lastLines: [], lastLinesStream: null, lastLinesFile: null, ...extra };
}

function keys(model: TopModel, ...pressed: Key[]): TopModel {
  return pressed.reduce((current, key) => applyKey(current, key).model, model);
}

const char = (value: string): Key => ({ name: 'char', char: value });

const loaded = applyEvent(initialModel(10), { type: 'snapshot', processes: [info('web', { rssBytes: 5000, cpuPercent: 1 }), info('db', { rssBytes: 9000, cpuPercent: 50, restarts: 2 }), info('cron', { state: 'STOPPED', pid: null })] });

describe('top keys', () => {
  it('names arrows, page keys, Enter, Escape, Backspace and Ctrl-C, and types the rest', () => {
    assert.deepEqual(parseKeys('\x1b[A\x1b[B\x1b[5~\x1b[6~\r\x7f\x03x'), [{ name: 'up' }, { name: 'down' }, { name: 'pageUp' }, { name: 'pageDown' }, { name: 'enter' }, { name: 'backspace' }, { name: 'interrupt' }, { name: 'char', char: 'x' }]);
    assert.deepEqual(parseKeys('\x1b'), [{ name: 'escape' }]);
    assert.deepEqual(parseKeys('\x1b[15~q'), [{ name: 'char', char: 'q' }], 'an unknown sequence (F5) is dropped whole');
  });
});

describe('top model', () => {
  it('sorts by name first, then by the chosen key with the biggest first', () => {
    assert.deepEqual(visibleProcesses(loaded).map((process) => process.name), ['cron', 'db', 'web']);
    const byCpu = keys(loaded, char('o'), char('o'));
    assert.equal(byCpu.sortKey, 'cpu');
    assert.deepEqual(visibleProcesses(byCpu).map((process) => process.name), ['db', 'web', 'cron']);
    assert.deepEqual(visibleProcesses(keys(byCpu, char('i'))).map((process) => process.name), ['cron', 'web', 'db']);
  });

  it('filters by name or state as typed after /, and Escape clears the filter', () => {
    const typing = keys(loaded, char('/'), char('s'), char('t'));
    assert.equal(typing.editingFilter, true);
    assert.deepEqual(visibleProcesses(typing).map((process) => process.name), ['cron'], 'st matches the STOPPED state');
    const kept = keys(typing, { name: 'backspace' }, { name: 'backspace' }, char('w'), { name: 'enter' });
    assert.deepEqual(visibleProcesses(kept).map((process) => process.name), ['web']);
    assert.equal(selectedProcess(kept)?.name, 'web', 'the selection follows the filter');
    assert.equal(keys(kept, { name: 'escape' }).filter, '');
  });

  it('turns s, x, r and l into actions on the selected process, and q or Ctrl-C into quit', () => {
    const onDb = keys(loaded, { name: 'down' });
    assert.equal(onDb.selected, 'db');
    assert.deepEqual(applyKey(onDb, char('r')).action, { kind: 'restart', name: 'db' });
    assert.deepEqual(applyKey(onDb, char('x')).action, { kind: 'stop', name: 'db' });
    assert.deepEqual(applyKey(onDb, char('s')).action, { kind: 'start', name: 'db' });
    const inLog = applyKey(onDb, char('l'));
    assert.deepEqual(inLog.action, { kind: 'openLog', name: 'db' });
    assert.deepEqual(applyKey(inLog.model, char('r')).action, undefined, 'keys of the list do nothing in the log');
    assert.deepEqual(applyKey(inLog.model, char('q')).action, { kind: 'closeLog' });
    assert.deepEqual(applyKey(onDb, char('q')).action, { kind: 'quit' });
    assert.deepEqual(applyKey(inLog.model, { name: 'interrupt' }).action, { kind: 'quit' });
  });

  it('takes a state change whole and merges a resource pass into the rows', () => {
    const changed = applyEvent(loaded, { type: 'state', process: info('web', { state: 'STOPPED', pid: null }), previous: 'RUNNING' });
    assert.equal(changed.processes.find((process) => process.name === 'web')?.state, 'STOPPED');
    assert.equal(changed.processes.find((process) => process.name === 'web')?.rssBytes, undefined);
    const sampled = applyEvent(loaded, { type: 'resources', at: 0, processes: [{ name: 'db', cpuPercent: 3, rssBytes: 100, restarts: 2 }] });
    const db = sampled.processes.find((process) => process.name === 'db')!;
    assert.equal(db.cpuPercent, 3);
    assert.equal(db.rssBytes, 100);
    assert.equal(db.state, 'RUNNING');
  });
});

describe('top screen', () => {
  it('marks the selected row with > and draws no colour when told not to', () => {
    const frame = renderTop(keys(loaded, { name: 'down' }), { columns: 100, rows: 10 }, false, null, 10_000);
    assert.doesNotMatch(frame, /\x1b\[[0-9;]*m/);
    assert.match(frame, /\r\n> db +● RUNNING +100 +50\.0 +8\.8K +2  0:00:10/);
    assert.match(renderTop(loaded, { columns: 100, rows: 10 }, true, null), /\x1b\[32m● RUNNING/);
  });

  it('formats memory in binary units', () => {
    assert.equal(formatBytes(undefined), '-');
    assert.equal(formatBytes(512), '512B');
    assert.equal(formatBytes(1536), '1.5K');
    assert.equal(formatBytes(300 * 1024 * 1024), '300M');
  });
});
