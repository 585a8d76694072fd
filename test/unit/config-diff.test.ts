import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffConfigs } from '../../src/config/config-diff.js';
import { parseConfig } from '../../src/config/parse-config.js';

const parse = (text: string) => parseConfig(text, '/tmp/taskmaster.yaml', { socket: '/tmp/t.sock' });

const base = `
programs:
  web: { cmd: "sleep 100", numprocs: 2, stoptime: 5 }
  worker: { cmd: "sleep 200" }
  old: { cmd: "sleep 300" }
`;

describe('config diff', () => {
  it('sorts programs into added, removed, changed and unchanged', () => {
    const after = parse(`
programs:
  web: { cmd: "sleep 100", numprocs: 2, stoptime: 5 }
  worker: { cmd: "sleep 201" }
  fresh: { cmd: "sleep 400" }
`);
    const diff = diffConfigs(parse(base), after);
    assert.deepEqual(diff.added, ['fresh']);
    assert.deepEqual(diff.removed, ['old']);
    assert.deepEqual(diff.unchanged, ['web']);
    assert.equal(diff.changed.length, 1);
    assert.equal(diff.changed[0]!.name, 'worker');
    assert.equal(diff.changed[0]!.respawn, true);
    assert.deepEqual(diff.changed[0]!.changedKeys, ['cmd']);
  });

  it('applies supervision-only changes without a respawn', () => {
    const diff = diffConfigs(parse(base), parse(base.replace('stoptime: 5', 'stoptime: 9, autorestart: always')));
    assert.equal(diff.changed[0]!.respawn, false);
    assert.deepEqual(diff.changed[0]!.changedKeys, ['autorestart', 'stoptime']);
  });

  it('treats a numprocs change alone as no respawn', () => {
    const diff = diffConfigs(parse(base), parse(base.replace('numprocs: 2', 'numprocs: 4')));
    assert.equal(diff.changed[0]!.respawn, false);
    assert.equal(diff.changed[0]!.numprocsBefore, 2);
    assert.equal(diff.changed[0]!.numprocsAfter, 4);
  });

  it('respawns on an environment change', () => {
    const diff = diffConfigs(parse(base), parse(base.replace('cmd: "sleep 200"', 'cmd: "sleep 200", env: { A: 1 }')));
    assert.equal(diff.changed[0]!.respawn, true);
    assert.deepEqual(diff.changed[0]!.changedKeys, ['env']);
  });

  it('names changed keys as the user writes them, not by their internal fields', () => {
    const diff = diffConfigs(parse(base), parse(base.replace('stoptime: 5', 'stopwaitsecs: 6, startsecs: 3, stdout_logfile_maxbytes: 1MB, crash_loop: false')));
    assert.deepEqual(diff.changed[0]!.changedKeys, ['starttime', 'stoptime', 'stdout_maxbytes', 'crash_loop']);
    assert.equal(diff.changed[0]!.respawn, true);
  });

  it('names the schedule key that changed, and a schedule that comes or goes once', () => {
    const scheduled = (extra: string) => parse(`programs:\n  job: { cmd: "true", schedule: "0 * * * *"${extra} }\n`);
    assert.deepEqual(diffConfigs(scheduled(''), scheduled(', jitter: 5s')).changed[0]!.changedKeys, ['jitter']);
    const plain = parse('programs:\n  job: { cmd: "true" }\n');
    assert.deepEqual(diffConfigs(plain, scheduled(', timezone: UTC')).changed[0]!.changedKeys, ['autostart', 'autorestart', 'starttime', 'schedule']);
  });

  it('finds nothing to do for the same config', () => {
    const diff = diffConfigs(parse(base), parse(base));
    assert.deepEqual([diff.added, diff.removed, diff.changed], [[], [], []]);
  });
});
