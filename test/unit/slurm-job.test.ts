import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseKillWaitMs, slurmJobOf } from '../../src/host/slurm-job.js';
import { allAutostartRunning, watchdogIntervalMs } from '../../src/host/service-notifier.js';

describe('SLURM job detection', () => {
  it('reads the job from the variables slurmstepd sets', () => {
    assert.deepEqual(slurmJobOf({ SLURM_JOB_ID: '42', SLURMD_NODENAME: 'n1' }), { jobId: '42', node: 'n1' });
    assert.equal(slurmJobOf({}), null);
  });

  it('reads KillWait from scontrol show config', () => {
    assert.equal(parseKillWaitMs('JobRequeue              = 1\nKillWait                = 30 sec\nLaunchType = launch/slurm\n'), 30_000);
    assert.equal(parseKillWaitMs('nothing here'), null);
  });
});

describe('sd_notify decisions', () => {
  it('feeds the watchdog at half its period, and only for the pid it names', () => {
    assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '10000000' }, 7), 5_000);
    assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '10000000', WATCHDOG_PID: '8' }, 7), null);
    assert.equal(watchdogIntervalMs({}, 7), null);
  });

  it('is ready when every autostart program runs, schedules and manual programs aside', () => {
    const program = (name: string, autostart: boolean, schedule: object | null) => [name, { name, group: name, numprocs: 1, autostart, schedule }] as const;
    const config = { programs: new Map([program('web', true, null), program('job', true, { expression: '@daily' }), program('manual', false, null)]) } as never;
    const info = (name: string, state: string) => ({ name, group: name, state }) as never;
    assert.equal(allAutostartRunning(config, [info('web', 'RUNNING'), info('job', 'EXITED'), info('manual', 'STOPPED')]), true);
    assert.equal(allAutostartRunning(config, [info('web', 'STARTING'), info('job', 'EXITED')]), false);
  });
});
