import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LastOutput } from '../../src/contracts/process-info.js';
import { exitReasonOf, failureReportOf } from '../../src/engine/failure-report.js';
import { initialSnapshot, type ProcessSnapshot } from '../../src/engine/state-machine.js';

const said: LastOutput = { stream: 'stderr', file: '/var/log/web.stderr.log', lines: ['boom'] };
const processIn = (snapshot: ProcessSnapshot) => ({ snapshot, output: { lastRun: { lastSettled: async () => said } } });
const base = initialSnapshot('web');

describe('the reason of a failure', () => {
  it('is the exit of a run that failed, with its last lines', async () => {
    const fatal = { ...base, state: 'FATAL' as const, exitCode: 3, spawnError: 'Exited too quickly' };
    assert.deepEqual(await failureReportOf(processIn(fatal)), { reason: 'exit status 3', output: said });
    const killed = { ...base, state: 'EXITED' as const, signal: 'SIGKILL' as const, exitExpected: false, timedOut: true };
    assert.equal(exitReasonOf(killed), 'terminated by SIGKILL; timed out');
  });

  it('is the spawn error, without lines, when the process never ran, and nothing when it did not fail', async () => {
    const neverRan = { ...base, state: 'FATAL' as const, spawnError: "couldn't spawn web: ENOENT" };
    assert.deepEqual(await failureReportOf(processIn(neverRan)), { reason: "couldn't spawn web: ENOENT", output: null });
    const outOfFds = { ...base, state: 'BACKOFF' as const, backoffKind: 'resources' as const, exitCode: 1, spawnError: 'EMFILE' };
    assert.deepEqual(await failureReportOf(processIn(outOfFds)), { reason: 'EMFILE', output: null });
    const expected = { ...base, state: 'EXITED' as const, exitCode: 0, exitExpected: true };
    assert.deepEqual(await failureReportOf(processIn(expected)), { reason: null, output: null });
  });
});
