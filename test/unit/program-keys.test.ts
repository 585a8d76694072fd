import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config/parse-config.js';
import { programKeyByName, programKeys } from '../../src/config/program-keys.js';
import type { ProgramConfig, ScheduleConfig } from '../../src/config/types.js';

// Listing every field here makes the build fail when ProgramConfig gains one that this test does not know.
const programFields: Record<keyof ProgramConfig, true> = {
  name: true, group: true, cmd: true, argv: true, numprocs: true, umask: true, workingDir: true, autostart: true, autorestart: true,
  exitCodes: true, startRetries: true, startTimeMs: true, stopSignal: true, stopTimeMs: true, stdout: true, stderr: true,
  redirectStderr: true, stdoutMaxBytes: true, stdoutBackups: true, stderrMaxBytes: true, stderrBackups: true,
  logTimestamps: true, tty: true, logFileMode: true, env: true, user: true, priority: true, stopAsGroup: true, killAsGroup: true,
  schedule: true, timeoutMs: true, healthcheck: true, ready: true, heartbeat: true, dependsOn: true, port: true,
  prestart: true, poststop: true, notify: true, crashLoop: true, sockets: true, listener: true, stdoutEvents: true, stderrEvents: true, stdoutCaptureMaxBytes: true, stderrCaptureMaxBytes: true, pidFile: true,
};
const scheduleFields: Record<keyof ScheduleConfig, true> = { expression: true, timezone: true, overlap: true, catchup: true, jitterMs: true, times: true, retryDelayMs: true, retryMaxDelayMs: true };
// The program's name is the key it sits under, and the schedule group is filled by its own keys.
const notKeys = new Set(['name', 'schedule']);

const parse = (text: string) => parseConfig(text, 'taskmaster.yaml', { socket: '/tmp/t.sock' });

describe('the program-key table', () => {
  it('gives every key a reload class, a doc line and a shown default', () => {
    for (const row of programKeys) {
      assert.ok(row.reload === 'spawn' || row.reload === 'supervision', `${row.key} has no reload class`);
      assert.ok(row.doc.trim() !== '' && row.shownDefault.trim() !== '', `${row.key} has no doc or default`);
    }
  });

  it('fills every ProgramConfig field from some key, so every field is diffed and classed on reload', () => {
    const covered = new Set(programKeys.flatMap((row) => [row.field, ...row.derived]));
    const fields = [...Object.keys(programFields), ...Object.keys(scheduleFields).map((field) => `schedule.${field}`)];
    const missing = fields.filter((field) => !notKeys.has(field) && !covered.has(field as never));
    assert.deepEqual(missing, [], `fields that no key fills: ${missing.join(', ')}`);
  });

  it('has one row per name, and no alias that shadows another key', () => {
    const names = programKeys.flatMap((row) => [row.key, ...row.aliases]);
    assert.equal(new Set(names).size, names.length);
    assert.equal(programKeyByName.size, names.length);
  });

  it('applies each default when the key is not written, and the scheduled defaults to a job', () => {
    const plain = parse('programs: { a: { cmd: x } }').programs.get('a')!;
    const job = parse('programs: { a: { cmd: x, schedule: "@hourly" } }').programs.get('a')!;
    for (const row of programKeys) {
      // A program's group defaults to its own name, which no table row can hold.
      if (row.key === 'cmd' || row.key === 'group' || row.field.startsWith('schedule.')) continue;
      const field = row.field as keyof ProgramConfig;
      assert.deepEqual(plain[field], row.default, row.key);
      assert.deepEqual(job[field], 'scheduledDefault' in row ? row.scheduledDefault : row.default, row.key);
    }
    assert.deepEqual(job.schedule, { expression: '@hourly', timezone: null, overlap: 'skip', catchup: false, jitterMs: 0, times: 0, retryDelayMs: 1000, retryMaxDelayMs: 60_000 });
    assert.equal(plain.schedule, null);
    assert.equal(plain.group, 'a');
  });

  it('reads every alias as its key', () => {
    for (const row of programKeys) {
      const value = row.key === 'env' ? '{ A: "1" }' : row.default === false ? 'true' : '"1"';
      const program = (name: string) => parse(`programs: { a: { ${name}: ${value}${row.key === 'cmd' ? '' : ', cmd: x'} } }`).programs.get('a');
      for (const alias of row.aliases) assert.deepEqual(program(alias), program(row.key), alias);
    }
  });
});
