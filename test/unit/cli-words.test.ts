import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCtlArguments } from '../../src/cli/ctl-arguments.js';
import { exitStatusOf } from '../../src/control/command-result.js';
import { findCommand } from '../../src/control/command-table.js';
import { splitCommandWords } from '../../src/control/command-words.js';
import { parseAddArgs } from '../../src/control/program-commands.js';
import { joinShellWords, splitShellWords } from '../../src/config/shell-words.js';
import type { ProcessInfo } from '../../src/contracts/process-info.js';

const status = findCommand('status')!;
const tail = findCommand('tail')!;

describe("taskmasterctl's words", () => {
  it('takes -s, -c and --json from any position, and keeps what follows -- for the command', () => {
    assert.deepEqual(parseCtlArguments(['status', 'web', '--json', '-s', '/x.sock']), { socket: '/x.sock', json: true, help: false, version: false, words: ['status', 'web'] });
    assert.deepEqual(parseCtlArguments(['--socket=/y', 'add', 'n', '--', 'sh', '--json', '-s']).words, ['add', 'n', '--', 'sh', '--json', '-s']);
    assert.equal(parseCtlArguments(['--help']).help, true);
    assert.deepEqual(parseCtlArguments(['status', '--help']).words, ['status', '--help']);
    assert.throws(() => parseCtlArguments(['--bogus', 'status']), /unknown option --bogus/);
    assert.throws(() => parseCtlArguments(['status', '-s']), /-s needs a value/);
  });

  it('gives a command --json and --help anywhere, refuses other options, and -- makes names of the rest', () => {
    assert.deepEqual(splitCommandWords(status, ['web', '--json']), { args: ['web'], json: true, help: false });
    assert.deepEqual(splitCommandWords(status, ['-h']), { args: [], json: false, help: true });
    assert.deepEqual(splitCommandWords(status, ['--', '--json']), { args: ['--json'], json: false, help: false });
    assert.throws(() => splitCommandWords(status, ['-x']), /status: unknown option -x/);
    // A row with flags of its own gets them, and --, as typed.
    assert.deepEqual(splitCommandWords(tail, ['-f', 'web', '--json', '--', '-odd']).args, ['-f', 'web', '--', '-odd']);
  });

  it('reads add NAME [options] -- CMD ARGS... word for word', () => {
    const usage = findCommand('add')!.usage;
    assert.deepEqual(parseAddArgs(['web', '--numprocs', '2', '--env', 'A=1=2', '--env=B=', '--autorestart', 'always', '--workingdir', '/srv', '--', 'sh', '-c', 'echo "$A"'], usage), {
      name: 'web', cmd: ['sh', '-c', 'echo "$A"'], numprocs: 2, autorestart: 'always', env: { A: '1=2', B: '' }, workingdir: '/srv',
    });
    assert.throws(() => parseAddArgs(['web', 'sh'], usage), /needs the command after --/);
    assert.throws(() => parseAddArgs(['--', 'sh'], usage), /needs a NAME/);
    assert.throws(() => parseAddArgs(['web', '--numprocs', 'x', '--', 'sh'], usage), /whole number/);
    assert.throws(() => parseAddArgs(['web', '--env', 'NOEQUALS', '--', 'sh'], usage), /KEY=VALUE/);
    assert.throws(() => parseAddArgs(['web', '--user', 'x', '--', 'sh'], usage), /unknown option --user/);
  });

  it('joins an argv into a command line that splits back into the same words', () => {
    for (const argv of [['sh', '-c', "echo 'a b' \"$X\" \\ ;"], ['', 'x'], ["it's", 'tab\there', 'new\nline', '{port}']]) {
      assert.deepEqual(splitShellWords(joinShellWords(argv)), argv);
    }
    assert.equal(joinShellWords(['python3', '-m', 'http.server', '8080']), 'python3 -m http.server 8080');
  });
});

describe("supervisorctl's exit codes", () => {
  const info = (state: ProcessInfo['state']): ProcessInfo => ({ name: 'a', group: 'a', processName: 'a', state, pid: null, exitCode: null, signal: null, uptime: 0, description: '', spawnError: null, startedAt: null, stoppedAt: null, port: null, health: null, nextRunAt: null, lastRun: null }) as ProcessInfo;

  it('status: 3 for STOPPED, EXITED or FATAL, 0 while starting or stopping, 4 for an unknown name', () => {
    for (const state of ['STOPPED', 'EXITED', 'FATAL'] as const) assert.equal(exitStatusOf({ kind: 'status', detailed: false, processes: [info('RUNNING'), info(state)], missing: [] }), 3, state);
    for (const state of ['RUNNING', 'STARTING', 'BACKOFF', 'STOPPING'] as const) assert.equal(exitStatusOf({ kind: 'status', detailed: false, processes: [info(state)], missing: [] }), 0, state);
    assert.equal(exitStatusOf({ kind: 'status', detailed: false, processes: [info('FATAL')], missing: ['nope'] }), 4);
  });

  it('actions: 7 when what failed is not running (a spawn error), 1 otherwise', () => {
    assert.equal(exitStatusOf({ kind: 'actions', results: [{ name: 'a', ok: false, state: 'FATAL', message: 'spawn error: x' }] }), 7);
    assert.equal(exitStatusOf({ kind: 'actions', results: [{ name: 'a', ok: false, state: 'RUNNING', message: 'cannot clear' }] }), 1);
    assert.equal(exitStatusOf({ kind: 'process-pids', processes: [info('STOPPED')] }), 7);
  });
});
