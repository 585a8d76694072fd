import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, taskmasterBin, waitFor } from '../helpers.js';

/** supervisord's own end-to-end fixtures, from Debian's supervisor package (installed by .ci/run). */
const fixtures = '/usr/lib/python3/dist-packages/supervisor/tests/fixtures';

interface Case {
  readonly fixture: string;
  readonly env?: Record<string, string>;
  /** Lines supervisord's test expects in its log (ours: taskmaster's stderr in the foreground). */
  readonly log: readonly string[];
  /** What a program printed, which supervisord's test reads back through its debug log or tail. */
  readonly output?: { readonly program: string; readonly text: string; readonly stream?: 'stdout' | 'stderr' };
}

// The expectations are those of supervisor/tests/test_end_to_end.py (tag 4.2.5) for the same fixtures.
const cases: readonly Case[] = [
  { fixture: 'issue-291a', env: { SUPERVISOR_TEST_1441B: 'foo_%s_%_%%_%%%_%2_bar' }, log: ['success: print_env entered RUNNING state'], output: { program: 'print_env', text: 'SUPERVISOR_TEST_1441B=foo_%s_%_%%_%%%_%2_bar' } },
  { fixture: 'issue-550', log: ['success: print_env entered RUNNING state', 'exited: print_env (exit status 0; expected)'], output: { program: 'print_env', text: 'THIS_SHOULD=BE_IN_CHILD_ENV' } },
  { fixture: 'issue-664', log: ['test_öäü entered RUNNING state'] },
  { fixture: 'issue-986', log: ['success: echo entered RUNNING state'], output: { program: 'echo', text: 'dhcrelay -d -q -a %h:%p %P -i Vlan1000 192.168.0.1' } },
  { fixture: 'issue-1170a', log: ['success: echo entered RUNNING state'], output: { program: 'echo', text: 'set from [supervisord] section' } },
  { fixture: 'issue-1170b', log: ['success: echo entered RUNNING state'], output: { program: 'echo', text: 'set from [program] section' } },
  { fixture: 'issue-1224', log: ['cat entered RUNNING state'] },
  // A one-line [eventlistener] that SIGTERMs the supervisor on PROCESS_STATE_FATAL.
  { fixture: 'issue-1170c', log: ['success: echo entered RUNNING state'], output: { program: 'echo', text: 'set from [eventlistener] section', stream: 'stderr' } },
  // supervisord's listener.py on TICK_5; the protocol lines are copied into the debug log.
  { fixture: 'issue-663', log: ['OKREADY', 'BUSY -> ACKNOWLEDGED'] },
  { fixture: 'issue-733', log: ['gave up: nonexistent entered FATAL state', 'received SIGTERM indicating exit request'] },
];

async function autoOutput(dir: string, program: string, stream: 'stdout' | 'stderr'): Promise<string> {
  const names = (await readdir(dir)).filter((name) => name.startsWith(`${program}-${stream}---supervisor-`));
  return (await Promise.all(names.map((name) => readFile(join(dir, name), 'utf8')))).join('');
}

describe("supervisord's own end-to-end fixtures, run by taskmaster", { skip: existsSync(fixtures) ? false : 'Debian package supervisor is not installed' }, () => {
  for (const testCase of cases) {
    it(`${testCase.fixture}: ${[...testCase.log, testCase.output?.text].filter(Boolean).join(' / ')}`, async (t) => {
      const dir = await makeTempDir('tm-ini-fixture-');
      // Their fixed /tmp paths are moved into a folder of our own, so runs in parallel never meet.
      const text = (await readFile(join(fixtures, `${testCase.fixture}.conf`), 'utf8')).replaceAll('/tmp/', `${dir}/`);
      await writeFile(join(dir, `${testCase.fixture}.conf`), text);
      for (const helper of ['print_env.py', 'listener.py']) await copyFile(join(fixtures, helper), join(dir, helper));
      const child = spawn(process.execPath, [taskmasterBin, '-c', join(dir, `${testCase.fixture}.conf`)], {
        cwd: dir,
        env: { ...process.env, ...testCase.env, TMPDIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      t.after(async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        await exited;
      });
      for (const line of testCase.log) await waitFor(() => output.includes(line) || child.exitCode !== null, `"${line}"`, 30_000);
      for (const line of testCase.log) assert.ok(output.includes(line), `expected "${line}" in:\n${output}`);
      if (testCase.output) {
        const { program, text: expected, stream = 'stdout' } = testCase.output;
        await waitFor(async () => (await autoOutput(dir, program, stream)).includes(expected), `${program} to print "${expected}"`, 30_000);
      }
      child.kill('SIGTERM');
      assert.equal(await exited, 0, output);
      assert.doesNotMatch(output, /cannot write event log/);
    });
  }
});
