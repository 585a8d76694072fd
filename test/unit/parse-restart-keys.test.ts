import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, formatIssue } from '../../src/config/config-error.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { diffConfigs } from '../../src/config/config-diff.js';

const parse = (text: string) => parseConfig(text, 'taskmaster.yaml', { socket: '/tmp/t.sock' });
const program = (body: string) => parse(`programs:\n  web: { cmd: "sleep 1", ${body} }\n`).programs.get('web')!;

describe('crash_loop and the ready deadline in the config', () => {
  it('protects by default and can be tuned or turned off', () => {
    assert.deepEqual(program('autostart: true').crashLoop, { quickExitMs: 10_000, burst: 3, delayMs: 1000, maxDelayMs: 60_000, limit: 0 });
    assert.deepEqual(program('crash_loop: { quick_exit: 2s, burst: 0, delay: 250ms, max_delay: 5m, limit: 10 }').crashLoop, { quickExitMs: 2000, burst: 0, delayMs: 250, maxDelayMs: 300_000, limit: 10 });
    assert.equal(program('crash_loop: false').crashLoop, null);
  });

  it('reports a bad crash_loop key with its place', () => {
    assert.throws(() => parse('programs:\n  web:\n    cmd: "sleep 1"\n    crash_loop: { delay: 5s, max_delay: 1s, bursts: 2 }\n'), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      const lines = error.issues.map(formatIssue);
      assert.ok(lines.some((line) => /^taskmaster\.yaml:4:\d+: programs\.web\.crash_loop\.bursts: unknown key \(did you mean burst\?\)$/.test(line)), lines.join('\n'));
      assert.ok(lines.some((line) => /programs\.web\.crash_loop\.max_delay: must be at least delay \(5s\)$/.test(line)), lines.join('\n'));
      return true;
    });
  });

  it('gives ready a 60 s deadline unless told otherwise', () => {
    assert.equal(program('ready: { tcp: "127.0.0.1:80" }').ready?.deadlineMs, 60_000);
    assert.equal(program('ready: { tcp: "127.0.0.1:80", deadline: 0 }').ready?.deadlineMs, 0);
  });

  it('applies a crash_loop change in place, without a restart', () => {
    const before = parse('programs:\n  web: { cmd: "sleep 1" }\n');
    const after = parse('programs:\n  web: { cmd: "sleep 1", crash_loop: { limit: 5 } }\n');
    const [change] = diffConfigs(before, after).changed;
    assert.deepEqual(change?.changedKeys, ['crash_loop']);
    assert.equal(change?.respawn, false);
  });
});
