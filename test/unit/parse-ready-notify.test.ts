import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config/parse-config.js';
import { exportSystemd } from '../../src/export/systemd.js';
import { isSelfOrDescendant } from '../../src/features/notify-receiver.js';
import { problemsOf } from './config-problems.js';

const parse = (text: string) => parseConfig(text, 'taskmaster.yaml', { socket: '/tmp/t.sock' });
const program = (settings: string): string => `programs:\n  a:\n    cmd: sleep 1\n    ${settings}\n`;

const problems = (text: string): string[] => problemsOf(() => parse(text));

describe('ready: notify', () => {
  it('reads the scalar form with the default deadline, and the mapping form with its own', () => {
    assert.deepEqual(parse(program('ready: notify')).programs.get('a')?.ready, { probe: { kind: 'notify' }, intervalMs: 500, timeoutMs: 5000, deadlineMs: 60_000 });
    assert.equal(parse(program('ready: { notify: true, deadline: 2s }')).programs.get('a')?.ready?.deadlineMs, 2000);
  });

  it('refuses notify beside a probe, notify: false, and an unknown scalar', () => {
    assert.deepEqual(problems(program('ready: { notify: true, cmd: "true" }')), ['taskmaster.yaml:4:12: programs.a.ready: expected exactly one of cmd, http, tcp or notify, got notify and cmd']);
    assert.match(problems(program('ready: { notify: false }'))[0]!, /programs\.a\.ready\.notify: expected true/);
    assert.match(problems(program('ready: notfy'))[0]!, /programs\.a\.ready: expected a mapping/);
  });

  it('exports as a Type=notify unit with the deadline as TimeoutStartSec', () => {
    const text = exportSystemd(parse(program('ready: { notify: true, deadline: 2s }'))).map((file) => file.text).join('\n');
    assert.match(text, /^Type=notify$/m);
    assert.match(text, /^TimeoutStartSec=2s$/m);
  });

  it('ties a sender to a waiting process by its own pid or its ancestry', () => {
    assert.equal(isSelfOrDescendant(process.pid, process.pid), true);
    assert.equal(isSelfOrDescendant(process.pid, process.ppid), true);
    assert.equal(isSelfOrDescendant(process.ppid, process.pid), false);
    assert.equal(isSelfOrDescendant(999_999_999, process.pid), false);
  });
});
