import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, formatIssue } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { makeTempDir } from '../helpers.js';

/** The problems of a supervisord config made of these files (the first is the one loaded), one formatted line each. */
async function problemsOf(files: Record<string, string>): Promise<string[]> {
  const dir = await makeTempDir('tm-ini-errors-');
  try {
    for (const [name, text] of Object.entries(files)) {
      await mkdir(join(dir, name, '..'), { recursive: true });
      await writeFile(join(dir, name), text);
    }
    await loadConfig(join(dir, Object.keys(files)[0]!));
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.issues.map(formatIssue).map((line) => line.slice(line.lastIndexOf('/') + 1));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  assert.fail('expected the config to be rejected');
}

const program = (line: string): Record<string, string> => ({ 'x.conf': `[supervisord]\n[program:x]\ncommand=/bin/true\n${line}\n` });

describe('errors of a supervisord INI config found by the shared config stages', () => {
  // Each of these passes the INI reader and is refused later, where the document is YAML-shaped.
  const cases: readonly [string, string][] = [
    ['stopsignal=NOPE', 'x.conf:4:12: [program:x] stopsignal: expected a signal such as TERM, SIGUSR1 or 15, got NOPE'],
    ['stopwaitsecs=99999999999', 'x.conf:4:14: [program:x] stopwaitsecs: expected a duration of at most 576h (24 days), got 99999999999'],
    ['startsecs=99999999999', 'x.conf:4:11: [program:x] startsecs: expected a duration of at most 576h (24 days), got 99999999999'],
    ['priority=99999999999', 'x.conf:4:10: [program:x] priority: expected a whole number from -999999 to 999999, got 99999999999'],
    ['startretries=99999999999', 'x.conf:4:14: [program:x] startretries: expected a whole number from 0 to 1000, got 99999999999'],
    ['stdout_logfile_backups=100000', 'x.conf:4:24: [program:x] stdout_logfile_backups: expected a whole number from 0 to 1000, got 100000'],
    ['command="unclosed', 'x.conf:4:9: [program:x] command: Cannot parse command: unterminated double quote'],
    ['umask=0777777', 'x.conf:4:7: [program:x] umask: expected an octal umask such as 022 or 077, got 777777'],
    ['user=', 'x.conf:4:6: [program:x] user: expected a user name or uid, got an empty value'],
  ];
  for (const [line, expected] of cases) {
    it(`names the INI key of ${line}, not its YAML key path`, async () => {
      assert.deepEqual(await problemsOf(program(line)), [expected]);
    });
  }

  it('names [DEFAULT] when the bad value was written there', async () => {
    const problems = await problemsOf({ 'x.conf': '[DEFAULT]\nstopsignal=NOPE\n[supervisord]\n[program:x]\ncommand=/bin/true\n' });
    assert.deepEqual(problems, ['x.conf:2:12: [DEFAULT] stopsignal: expected a signal such as TERM, SIGUSR1 or 15, got NOPE']);
  });

  it('names the included file and its section', async () => {
    const problems = await problemsOf({ 'x.conf': '[supervisord]\n[include]\nfiles=conf.d/*.conf\n', 'conf.d/y.conf': '[program:y]\ncommand=/bin/true\nstopsignal=NOPE\n' });
    assert.deepEqual(problems, ['y.conf:3:12: [program:y] stopsignal: expected a signal such as TERM, SIGUSR1 or 15, got NOPE']);
  });

  it('says a bad environment= once, not once per reading', async () => {
    assert.deepEqual(await problemsOf(program('environment=A=1,B')), ['x.conf:4:13: [program:x] environment: expected KEY=value pairs separated by commas (quote a value that holds other characters), got "A=1,B"']);
  });
});
