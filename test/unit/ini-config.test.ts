import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, formatIssue } from '../../src/config/config-error.js';
import { iniToYaml } from '../../src/config/ini/ini-to-yaml.js';
import { loadConfig } from '../../src/config/load-config.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { makeTempDir } from '../helpers.js';

async function configIn(files: Record<string, string>): Promise<string> {
  const dir = await makeTempDir('tm-ini-');
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

async function problems(file: string): Promise<string[]> {
  try {
    await loadConfig(file);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.issues.map(formatIssue);
  }
  assert.fail('expected the config to be rejected');
}

const main = (dir: string, extra = ''): string => `[supervisord]
logfile=%(here)s/supervisord.log
childlogdir=%(here)s/logs
pidfile=%(here)s/supervisord.pid

[unix_http_server]
file=%(here)s/supervisor.sock
${extra}`;

describe('loading a supervisord INI config', () => {
  it('applies supervisord\'s defaults where taskmaster\'s differ', async () => {
    const dir = await configIn({ 'supervisord.conf': '' });
    await writeFile(join(dir, 'supervisord.conf'), main(dir, '\n[program:cat]\ncommand=/bin/cat\n'));
    const config = await loadConfig(join(dir, 'supervisord.conf'));
    const cat = config.programs.get('cat')!;
    assert.equal(cat.stopAsGroup, false);
    assert.equal(cat.killAsGroup, false);
    assert.equal(cat.autorestart, 'unexpected');
    assert.equal(cat.startTimeMs, 1000);
    assert.equal(cat.startRetries, 3);
    assert.equal(cat.stopTimeMs, 10_000);
    assert.equal(cat.crashLoop, null);
    assert.equal(cat.stdout.kind, 'file');
    assert.match(cat.stdout.kind === 'file' ? cat.stdout.path : '', /\/logs\/cat-stdout---supervisor-[a-z0-9_]{8}\.log$/);
    assert.equal(config.socket, join(dir, 'supervisor.sock'));
    assert.equal(config.supervisord?.pidFile, join(dir, 'supervisord.pid'));
    assert.equal(cat.env['SUPERVISOR_ENABLED'], '1');
    assert.equal(cat.env['SUPERVISOR_PROCESS_NAME'], 'cat');
  });

  it('reads numprocs with %(process_num)02d names as one program, and per-process commands as separate ones', async () => {
    const dir = await configIn({ 'supervisord.conf': '' });
    await writeFile(join(dir, 'supervisord.conf'), main(dir, `
[program:web]
command=/bin/sleep 100
numprocs=3
process_name=%(program_name)s_%(process_num)02d
killasgroup=true

[program:port]
command=/bin/echo %(process_num)d %%
numprocs=2
numprocs_start=5
process_name=port-%(process_num)s
`));
    const config = await loadConfig(join(dir, 'supervisord.conf'));
    assert.equal(config.programs.get('web')?.numprocs, 3);
    assert.equal(config.programs.get('web')?.stdout.kind, 'auto');
    assert.deepEqual(config.programs.get('port-5')?.argv, ['/bin/echo', '5', '%']);
    assert.deepEqual(config.programs.get('port-6')?.argv, ['/bin/echo', '6', '%']);
    // Free-form names: one program per process, all in the section's group, as supervisord's port:port-5.
    assert.deepEqual([config.programs.get('port-5')?.group, config.programs.get('port-6')?.group, config.programs.get('web')?.group], ['port', 'port', 'web']);
    assert.deepEqual(config.supervisord!.warnings.map(formatIssue), []);
  });

  it('reads [include] files= globs relative to the including file, with %(here)s of the included one', async () => {
    const dir = await configIn({ 'conf.d/a.conf': '[program:a]\ncommand=/bin/cat %(here)s/x\n', 'conf.d/b.conf': '[program:b]\ncommand=/bin/cat\n', 'conf.d/.hidden.conf': '[program:h]\ncommand=/bin/cat\n', 'supervisord.conf': '' });
    await writeFile(join(dir, 'supervisord.conf'), main(dir, '\n[include]\nfiles = conf.d/*.conf nothing/*.conf\n'));
    const config = await loadConfig(join(dir, 'supervisord.conf'));
    assert.deepEqual([...config.programs.keys()], ['a', 'b']);
    assert.deepEqual(config.programs.get('a')?.argv, ['/bin/cat', join(dir, 'conf.d', 'x')]);
    assert.match(formatIssue(config.supervisord!.warnings[0]!), /supervisord\.conf:10:9: \[include\] files: No file matches via include ".*nothing\/\*\.conf"/);
  });

  it('warns of unknown sections and keys with file and line, and fails on real errors with file:line:col', async () => {
    const dir = await configIn({ 'conf.d/bad.conf': '[program:b]\ncommand=/bin/cat\nstartsecs = soon\n', 'supervisord.conf': '' });
    await writeFile(join(dir, 'supervisord.conf'), main(dir, '\n[include]\nfiles=conf.d/*.conf\n[program:a]\ncommand=/bin/cat\ncolour=blue\nautostart=perhaps\nstopsignal = BOGUS\n[mystery]\n'));
    const found = await problems(join(dir, 'supervisord.conf'));
    assert.deepEqual(found, [
      `${join(dir, 'conf.d', 'bad.conf')}:3:13: [program:b] startsecs: expected a whole number, got "soon"`,
      `${join(dir, 'supervisord.conf')}:14:11: [program:a] autostart: expected true/false, yes/no, on/off or 1/0, got "perhaps"`,
      // Found by the stages shared with YAML, and still located in the INI file.
      `${join(dir, 'supervisord.conf')}:15:14: [program:a] stopsignal: expected a signal such as TERM, SIGUSR1 or 15, got BOGUS`,
    ]);
    await writeFile(join(dir, 'conf.d', 'bad.conf'), '[program:b]\ncommand=/bin/cat\n');
    await writeFile(join(dir, 'supervisord.conf'), main(dir, '\n[include]\nfiles=conf.d/*.conf\n[program:a]\ncommand=/bin/cat\ncolour=blue\n[mystery]\n'));
    const config = await loadConfig(join(dir, 'supervisord.conf'));
    assert.deepEqual(config.supervisord!.warnings.map(formatIssue), [
      `${join(dir, 'supervisord.conf')}:13:1: [program:a] colour: unknown key, ignored (as supervisord ignores it)`,
      `${join(dir, 'supervisord.conf')}:14:1: [mystery]: unknown section, ignored`,
    ]);
  });

  it('refuses what supervisord refuses: no [supervisord], numprocs without %(process_num), an unknown expansion', async () => {
    const dir = await configIn({ 'a.conf': '[program:a]\ncommand=/bin/cat\n', 'b.conf': '' });
    assert.match((await problems(join(dir, 'a.conf')))[0]!, /a\.conf:1:1: \.ini file does not include supervisord section/);
    await writeFile(join(dir, 'b.conf'), main(dir, '\n[program:w]\ncommand=/bin/cat %(ENV_NO_SUCH_VARIABLE_X)s\nnumprocs=2\n'));
    const found = await problems(join(dir, 'b.conf'));
    assert.match(found.join('\n'), /b\.conf:9:1: \[program:w\] process_name: %\(process_num\) must be present within process_name when numprocs > 1/);
  });

  it('converts to YAML that loads to the same programs and settings', async () => {
    const dir = await configIn({ 'conf.d/a.conf': '[program:a]\ncommand=/bin/sh -c "echo a; sleep 1"\nautorestart=true\nexitcodes=0,2\nstopsignal=INT\nstdout_logfile=NONE\numask=027\nenvironment=K="1, 2"\n', 'supervisord.conf': '' });
    await writeFile(join(dir, 'supervisord.conf'), main(dir, `
[inet_http_server]
port=127.0.0.1:9001
username=admin
password={SHA}d033e22ae348aeb5660fc2140aec35850c4da997

[include]
files=conf.d/*.conf

[program:web]
command=/bin/sleep 100
numprocs=2
process_name=%(program_name)s_%(process_num)02d
stdout_logfile_maxbytes=1MB
redirect_stderr=true
`));
    const file = join(dir, 'supervisord.conf');
    const fromIni = await loadConfig(file);
    const { yaml } = await iniToYaml(file);
    const fromYaml = parseConfig(yaml, join(dir, 'converted.yaml'));
    const comparable = (config: typeof fromIni) => ({ ...config, file: '', supervisord: undefined, programs: [...config.programs.values()] });
    assert.deepEqual(comparable(fromYaml), comparable(fromIni));
    assert.equal(fromIni.programs.get('a')?.umask, 0o027);
    assert.deepEqual(fromIni.programs.get('a')?.exitCodes, [0, 2]);
    assert.equal(fromIni.http?.password, '{SHA}d033e22ae348aeb5660fc2140aec35850c4da997');
  });
});
