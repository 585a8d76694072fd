import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTotals } from '../../src/config/check-totals.js';
import { configLimits, timerLimitMs } from '../../src/config/limits.js';
import { parseConfig } from '../../src/config/parse-config.js';
import type { ProgramConfig } from '../../src/config/types.js';
import { problemsOf } from './config-problems.js';

const parse = (text: string) => parseConfig(text, 'taskmaster.yaml', { socket: '/tmp/t.sock' });

const problems = (text: string): string[] => problemsOf(() => parse(text));

const program = (settings: string): string => `programs:\n  a:\n    cmd: sleep 1\n    ${settings}\n`;

describe('config limits', () => {
  it('rejects numprocs: 1e9 with file, line, column and key', () => {
    assert.deepEqual(problems(program('numprocs: 1e9')), ['taskmaster.yaml:4:15: programs.a.numprocs: expected a whole number from 1 to 1000, got 1e9']);
  });

  it('accepts numprocs at the limit and rejects one more', () => {
    assert.equal(parse(program(`numprocs: ${configLimits.maxNumprocs}`)).programs.get('a')?.numprocs, configLimits.maxNumprocs);
    assert.match(problems(program(`numprocs: ${configLimits.maxNumprocs + 1}`))[0]!, /programs\.a\.numprocs: expected a whole number from 1 to 1000, got 1001/);
  });

  it('rejects more processes in all than the limit', () => {
    const count = configLimits.maxTotalProcesses / configLimits.maxNumprocs + 1;
    const text = `programs:\n${Array.from({ length: count }, (_, index) => `  p${index}: { cmd: sleep 1, numprocs: ${configLimits.maxNumprocs}, autostart: false }\n`).join('')}`;
    assert.deepEqual(problems(text), [`taskmaster.yaml:2:3: programs: expected at most 50000 processes in all (the sum of numprocs), got ${count * configLimits.maxNumprocs}`]);
  });

  it('counts programs against their limit', () => {
    const many = new Map<string, ProgramConfig>();
    const one = parse(program('autostart: false')).programs.get('a')!;
    for (let index = 0; index <= configLimits.maxPrograms; index++) many.set(`p${index}`, one);
    assert.deepEqual(checkTotals(many), [
      `expected at most 50000 programs, got ${configLimits.maxPrograms + 1}`,
      `expected at most 50000 processes in all (the sum of numprocs), got ${configLimits.maxPrograms + 1}`,
    ]);
    many.delete('p0');
    assert.deepEqual(checkTotals(many), []);
  });

  it('keeps every duration within what a Node timer can hold', () => {
    assert.ok(configLimits.maxDurationMs <= timerLimitMs);
    assert.equal(parse(program('stoptime: 576h')).programs.get('a')?.stopTimeMs, configLimits.maxDurationMs);
    assert.equal(parse(program(`stoptime: ${configLimits.maxDurationMs}ms`)).programs.get('a')?.stopTimeMs, configLimits.maxDurationMs);
    assert.deepEqual(problems(program(`stoptime: ${configLimits.maxDurationMs + 1}ms`)), [
      'taskmaster.yaml:4:15: programs.a.stoptime: expected a duration of at most 576h (24 days), got 2073600001ms',
    ]);
    assert.deepEqual(problems(program('stoptime: 720h')), ['taskmaster.yaml:4:15: programs.a.stoptime: expected a duration of at most 576h (24 days), got 720h']);
    assert.match(problems(program('starttime: 1e300'))[0]!, /programs\.a\.starttime: expected a duration of at most 576h/);
    assert.match(problems(program('healthcheck: { cmd: "true", timeout: 30d }'))[0]!, /programs\.a\.healthcheck\.timeout: expected a duration such as/);
    assert.match(problems(program('heartbeat: { file: hb, timeout: 2000h }'))[0]!, /programs\.a\.heartbeat\.timeout: expected a duration of at most 576h/);
  });

  it('refuses probe intervals below the floor', () => {
    assert.deepEqual(problems(program('healthcheck: { cmd: "true", interval: 0 }')), [
      'taskmaster.yaml:4:43: programs.a.healthcheck.interval: expected a duration of at least 100ms, got 0',
    ]);
    assert.match(problems(program('ready: { cmd: "true", interval: 1ms }'))[0]!, /programs\.a\.ready\.interval: expected a duration of at least 100ms, got 1ms/);
    assert.equal(parse(program('healthcheck: { cmd: "true", interval: 100ms }')).programs.get('a')?.healthcheck?.intervalMs, 100);
  });

  it('bounds sizes, backups, retries and priority', () => {
    assert.equal(parse(program('stdout_maxbytes: 1TB')).programs.get('a')?.stdoutMaxBytes, configLimits.maxFileBytes);
    assert.match(problems(program('stdout_maxbytes: 2TB'))[0]!, /programs\.a\.stdout_maxbytes: expected a size of at most 1TB, got 2TB/);
    assert.match(problems(program('stderr_maxbytes: 1e30'))[0]!, /programs\.a\.stderr_maxbytes: expected a size such as/);
    assert.match(problems(program('stdout_backups: 1001'))[0]!, /programs\.a\.stdout_backups: expected a whole number from 0 to 1000, got 1001/);
    assert.match(problems(program('startretries: 1e9'))[0]!, /programs\.a\.startretries: expected a whole number from 0 to 1000/);
    assert.match(problems(program('healthcheck: { cmd: "true", retries: 5000 }'))[0]!, /programs\.a\.healthcheck\.retries: expected a whole number from 1 to 1000/);
    assert.match(problems(program('priority: 1e7'))[0]!, /programs\.a\.priority: expected a whole number from -999999 to 999999/);
    assert.match(problems('logfile_backups: 100000\nprograms: {}\n')[0]!, /taskmaster\.yaml:1:18: logfile_backups: expected a whole number from 0 to 1000/);
    assert.match(problems('logfile_maxbytes: 9PB\nprograms: {}\n')[0]!, /logfile_maxbytes: expected a size such as/);
  });
});
