import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config/parse-config.js';
import { problemsOf } from './config-problems.js';

const parse = (text: string) => parseConfig(text, 'taskmaster.yaml', { socket: '/tmp/t.sock' });

const problems = (text: string): string[] => problemsOf(() => parse(text));

describe('config parsing', () => {
  it('loads the subject example with every key', () => {
    const config = parse(`
programs:
  nginx:
    cmd: "/usr/local/bin/nginx -c /etc/nginx/test.conf"
    numprocs: 1
    umask: 022
    workingdir: /tmp
    autostart: true
    autorestart: unexpected
    exitcodes:
      - 0
      - 2
    startretries: 3
    starttime: 5
    stopsignal: TERM
    stoptime: 10
    stdout: /tmp/nginx.stdout
    stderr: /tmp/nginx.stderr
    env:
      STARTED_BY: taskmaster
      ANSWER: 42
  vogsphere:
    cmd: "/usr/local/bin/vogsphere-worker --no-prefork"
    numprocs: 8
    umask: 077
    exitcodes: 0
    stopsignal: USR1
`);
    const nginx = config.programs.get('nginx')!;
    assert.deepEqual(nginx.argv, ['/usr/local/bin/nginx', '-c', '/etc/nginx/test.conf']);
    assert.equal(nginx.umask, 0o22);
    assert.deepEqual(nginx.exitCodes, [0, 2]);
    assert.equal(nginx.startTimeMs, 5000);
    assert.equal(nginx.stopTimeMs, 10_000);
    assert.equal(nginx.stopSignal, 'SIGTERM');
    assert.deepEqual(nginx.stdout, { kind: 'file', path: '/tmp/nginx.stdout' });
    assert.deepEqual(nginx.env, { STARTED_BY: 'taskmaster', ANSWER: '42' });
    const vogsphere = config.programs.get('vogsphere')!;
    assert.equal(vogsphere.umask, 0o77);
    assert.deepEqual(vogsphere.exitCodes, [0]);
    assert.equal(vogsphere.stopSignal, 'SIGUSR1');
    assert.equal(vogsphere.numprocs, 8);
  });

  it('reads umask digits as octal however they are written', () => {
    for (const written of ['022', '"022"', '0o22', '22']) {
      assert.equal(parse(`programs: { a: { cmd: x, umask: ${written} } }`).programs.get('a')!.umask, 0o22, written);
    }
  });

  it('makes log files 0600 unless logfile_mode says otherwise, and refuses a mode its owner cannot write', () => {
    const config = parse(`
logfile_mode: 0640
programs:
  a: { cmd: x }
  b: { cmd: x, logfile_mode: 0644 }
`);
    assert.equal(config.logFileMode, 0o640);
    assert.equal(config.programs.get('a')!.logFileMode, 0o600);
    assert.equal(config.programs.get('b')!.logFileMode, 0o644);
    assert.equal(parse('programs: { a: { cmd: x } }').logFileMode, 0o600);
    assert.deepEqual(problems('logfile_mode: 0444\nprograms:\n  a: { cmd: x, logfile_mode: 9 }\n'), [
      'taskmaster.yaml:1:15: logfile_mode: expected an octal file mode that lets its owner write, such as 0600 or 0640, got 0444',
      'taskmaster.yaml:3:30: programs.a.logfile_mode: expected an octal file mode that lets its owner write, such as 0600 or 0640, got 9',
    ]);
  });

  it('accepts supervisord names as aliases', () => {
    const program = parse(`
programs:
  a:
    command: "sleep 1"
    directory: /tmp
    startsecs: 2
    stopwaitsecs: 3
    environment: A="1",B=2
    stdout_logfile: out.log
    stderr_logfile: NONE
    redirect_stderr: true
`).programs.get('a')!;
    assert.deepEqual(program.argv, ['sleep', '1']);
    assert.equal(program.workingDir, '/tmp');
    assert.equal(program.startTimeMs, 2000);
    assert.equal(program.stopTimeMs, 3000);
    assert.deepEqual(program.env, { A: '1', B: '2' });
    assert.equal(program.stdout.kind, 'file');
    assert.equal(program.redirectStderr, true);
  });

  it('accepts durations with units and signals in every spelling', () => {
    const config = parse(`
programs:
  a: { cmd: x, starttime: 500ms, stoptime: 5m, stopsignal: SIGUSR2 }
  b: { cmd: x, starttime: 1.5, stopsignal: 9 }
`);
    assert.equal(config.programs.get('a')!.startTimeMs, 500);
    assert.equal(config.programs.get('a')!.stopTimeMs, 300_000);
    assert.equal(config.programs.get('a')!.stopSignal, 'SIGUSR2');
    assert.equal(config.programs.get('b')!.startTimeMs, 1500);
    assert.equal(config.programs.get('b')!.stopSignal, 'SIGKILL');
  });

  it('maps autorestart booleans to always and never', () => {
    const config = parse('programs: { a: { cmd: x, autorestart: true }, b: { cmd: x, autorestart: false } }');
    assert.equal(config.programs.get('a')!.autorestart, 'always');
    assert.equal(config.programs.get('b')!.autorestart, 'never');
  });

  it('reports every problem at once with file, line, column and key', () => {
    const found = problems(`programs:
  web:
    cmd: "sleep 1"
    numprocs: -3
    stopsignal: BOGUS
    autorestart: sometimes
  worker:
    comand: "sleep 2"
`);
    assert.deepEqual(found, [
      'taskmaster.yaml:4:15: programs.web.numprocs: expected a whole number from 1 to 1000, got -3',
      'taskmaster.yaml:5:17: programs.web.stopsignal: expected a signal such as TERM, SIGUSR1 or 15, got BOGUS',
      'taskmaster.yaml:6:18: programs.web.autorestart: expected always, never, unexpected, true or false, got sometimes',
      'taskmaster.yaml:7:3: programs.worker: cmd is required (the command to run)',
      'taskmaster.yaml:8:5: programs.worker.comand: unknown key (did you mean command?)',
    ]);
  });

  it('rejects a duplicate program name and unbalanced quotes', () => {
    const duplicate = problems('programs:\n  a: { cmd: x }\n  a: { cmd: y }\n');
    assert.match(duplicate[0]!, /^taskmaster.yaml:3:3: .*unique/);
    const quotes = problems('programs:\n  a: { cmd: "echo \'oops" }\n');
    assert.match(quotes[0]!, /programs.a.cmd: Cannot parse command: unterminated single quote/);
  });

  it('suggests the right top-level key', () => {
    assert.deepEqual(problems('programs: {}\nlogfle: x.log\n'), ['taskmaster.yaml:2:1: logfle: unknown key (did you mean logfile?)']);
  });

  it('resolves relative paths against the config folder', () => {
    const config = parseConfig('logfile: logs/tm.log\nprograms: { a: { cmd: x, stdout: out.txt, workingdir: work } }', '/etc/tm/taskmaster.yaml', {});
    assert.equal(config.logFile, '/etc/tm/logs/tm.log');
    assert.deepEqual(config.programs.get('a')!.stdout, { kind: 'file', path: '/etc/tm/out.txt' });
    assert.equal(config.programs.get('a')!.workingDir, '/etc/tm/work');
  });

  it('lets the command line override logfile and socket', () => {
    const config = parseConfig('logfile: a.log\nsocket: a.sock\nprograms: {}', '/etc/tm/t.yaml', { logFile: '/var/b.log', socket: '/run/b.sock' });
    assert.equal(config.logFile, '/var/b.log');
    assert.equal(config.socket, '/run/b.sock');
  });

  it('reads JSON as YAML', () => {
    const config = parse('{"programs": {"a": {"cmd": "sleep 1", "numprocs": 2}}}');
    assert.equal(config.programs.get('a')!.numprocs, 2);
  });

  it('defaults to killing whole process groups', () => {
    const program = parse('programs: { a: { cmd: x } }').programs.get('a')!;
    assert.equal(program.stopAsGroup, true);
    assert.equal(program.killAsGroup, true);
  });
});
