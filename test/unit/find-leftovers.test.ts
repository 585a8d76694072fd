import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { findLeftovers } from '../../src/engine/find-leftovers.js';
import type { LeftoverEntry, LeftoverRecord } from '../../src/engine/leftover-record.js';
import { parseProcStat, type ProcStat } from '../../src/engine/proc-table.js';

function stat(pid: number, ppid: number, pgid: number, startTime: string, state = 'S'): ProcStat {
  return { pid, ppid, pgid, sid: pgid, startTime, state };
}

function entry(pid: number, startTime: string, pgid = pid): LeftoverEntry {
  return { name: `p${pid}`, program: 'p', pid, startTime, pgid, stopSignal: 'SIGTERM', stopTimeMs: 1000, stopAsGroup: true, killAsGroup: true };
}

function record(...processes: LeftoverEntry[]): LeftoverRecord {
  return { version: 1, config: '/c.yaml', supervisor: { pid: 50, startTime: '5' }, updatedAt: '', processes };
}

function table(...stats: ProcStat[]): Map<number, ProcStat> {
  return new Map(stats.map((one) => [one.pid, one]));
}

describe('findLeftovers', () => {
  it('takes a recorded process with its group and every descendant, even one that left the group', () => {
    const search = findLeftovers(record(entry(100, '10')), table(stat(1, 0, 1, '1'), stat(100, 1, 100, '10'), stat(101, 100, 100, '11'), stat(102, 101, 102, '12'), stat(103, 1, 100, '13')), new Set([1]));
    assert.equal(search.kind, 'found');
    assert.deepEqual(search.kind === 'found' && [...search.leftovers[0]!.pids].sort(), [100, 101, 102, 103]);
  });

  it('never touches a pid whose start time differs, nor its group', () => {
    const search = findLeftovers(record(entry(100, '10')), table(stat(100, 1, 100, '99'), stat(101, 100, 100, '99')), new Set());
    assert.ok(search.kind === 'found' && search.leftovers.length === 0 && /start time differs/.test(search.skipped[0]?.reason ?? ''));
  });

  it('never touches itself or an ancestor, and ignores zombies', () => {
    const search = findLeftovers(record(entry(100, '10'), entry(200, '20')), table(stat(100, 1, 100, '10'), stat(200, 1, 200, '20', 'Z')), new Set([100]));
    assert.ok(search.kind === 'found' && search.leftovers.length === 0 && search.skipped.length === 1);
  });

  it('reports a recorded supervisor that still runs instead of taking its processes', () => {
    assert.deepEqual(findLeftovers(record(entry(100, '10')), table(stat(50, 1, 50, '5'), stat(100, 50, 100, '10')), new Set()), { kind: 'supervisor-alive', pid: 50 });
  });
});

describe('parseProcStat', () => {
  it('reads state, parent, group, session and start time past a command name with spaces and parentheses', () => {
    const line = '4242 (a) b (c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 100 18446744073709551615';
    assert.deepEqual(parseProcStat(line), { pid: 4242, state: 'S', ppid: 1, pgid: 4242, sid: 4242, startTime: '987654' });
  });
});
