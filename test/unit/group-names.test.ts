import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { diffConfigs } from '../../src/config/config-diff.js';
import { ConfigError, formatIssue } from '../../src/config/config-error.js';
import { iniToYaml } from '../../src/config/ini/ini-to-yaml.js';
import { loadConfig } from '../../src/config/load-config.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { fullNameFor, processNameFor } from '../../src/config/process-names.js';
import type { SupervisorConfig } from '../../src/config/types.js';
import type { ProcessInfo } from '../../src/contracts/process-info.js';
import type { SupervisorApi } from '../../src/contracts/supervisor-api.js';
import { resolveName } from '../../src/control/xmlrpc/rpc-processes.js';
import type { ManagedProcess } from '../../src/engine/managed-process.js';
import { resolveNames } from '../../src/engine/resolve-names.js';
import { makeTempDir } from '../helpers.js';
import { problemsOf } from './config-problems.js';

const parse = (text: string): SupervisorConfig => parseConfig(text, 'taskmaster.yaml', { socket: '/tmp/t.sock' });

const problems = (text: string): string[] => problemsOf(() => parse(text));

const grouped = `programs:
  a: { cmd: x, group: api }
  b: { cmd: x, group: api, numprocs: 2 }
  web: { cmd: x, numprocs: 2 }
  solo: { cmd: x }
`;

/** The process table's entries, with stand-ins for processes: resolution reads only their names. */
function entriesOf(config: SupervisorConfig) {
  return [...config.programs.values()].map((program) => ({
    config: program,
    processes: Array.from({ length: program.numprocs }, (_, index) => ({ processName: processNameFor(program, index), fullName: fullNameFor(program, index) }) as ManagedProcess),
  }));
}

const namesOf = (config: SupervisorConfig, ...names: string[]): string[] => resolveNames(names, entriesOf(config)).map((process) => process.fullName);

describe('groups of several programs', () => {
  it('names each process group:process, and a program alone in its own group by its name', () => {
    const config = parse(grouped);
    assert.deepEqual(entriesOf(config).flatMap((entry) => entry.processes.map((process) => process.fullName)), ['api:a', 'api:b_00', 'api:b_01', 'web:web_00', 'web:web_01', 'solo']);
  });

  it('resolves a group, group:*, group:process, a program and a lone process name', () => {
    const config = parse(grouped);
    assert.deepEqual(namesOf(config, 'api'), ['api:a', 'api:b_00', 'api:b_01']);
    assert.deepEqual(namesOf(config, 'api:*'), ['api:a', 'api:b_00', 'api:b_01']);
    assert.deepEqual(namesOf(config, 'api:'), ['api:a', 'api:b_00', 'api:b_01']);
    assert.deepEqual(namesOf(config, 'api:a'), ['api:a']);
    assert.deepEqual(namesOf(config, 'a'), ['api:a']);
    assert.deepEqual(namesOf(config, 'b'), ['api:b_00', 'api:b_01']);
    assert.deepEqual(namesOf(config, 'b_01', 'web:web_00', 'solo'), ['api:b_01', 'web:web_00', 'solo']);
    assert.throws(() => namesOf(config, 'api:web_00'), /no such process: api:web_00/);
    assert.throws(() => namesOf(config, 'nosuch', 'api:a'), /no such process: nosuch/);
  });

  it('takes a bare name for a program before a process of another group', () => {
    const config = parse('programs:\n  one: { cmd: x, group: left, numprocs: 2 }\n  one_00: { cmd: x, group: right }\n');
    assert.deepEqual(namesOf(config, 'one_00'), ['right:one_00']);
    assert.deepEqual(namesOf(config, 'one_01', 'left:one_00'), ['left:one_01', 'left:one_00']);
  });

  it('refuses a group named like a program of another group, and two processes with one name, with file:line:col and key', () => {
    assert.deepEqual(problems('programs:\n  a: { cmd: x, group: b }\n  b: { cmd: x, group: c }\n'), [
      'taskmaster.yaml:2:23: programs.a.group: group b has the name of program b, which is in group c: "b" would name both',
    ]);
    assert.deepEqual(problems('programs:\n  w: { cmd: x, numprocs: 2, group: w }\n  w_01:\n    cmd: x\n    group: w\n'), [
      'taskmaster.yaml:5:12: programs.w_01.group: process w:w_01 is also a process of program w: two processes cannot share a name',
    ]);
    assert.deepEqual(problems('programs:\n  a: { cmd: x, group: "no spaces" }\n'), ['taskmaster.yaml:2:23: programs.a.group: expected a group name (letters, digits, _, . and -), got "no spaces"']);
    assert.deepEqual(problems('programs:\n  x: { cmd: x }\n  y: { cmd: x, group: x }\n'), [
      'taskmaster.yaml:3:23: programs.y.group: group x has the name of program x, which is not in it (give it `group: x` to put it there): "x" would name both',
    ]);
    // A program may join the group that bears its own name, by saying so.
    assert.deepEqual(namesOf(parse('programs:\n  x: { cmd: x, group: x }\n  y: { cmd: x, group: x }\n'), 'x'), ['x', 'x:y']);
  });

  it('diffs by group for supervisorctl update: a member that comes, goes or respawns changes its group', () => {
    const before = parse(grouped);
    const after = parse('programs:\n  a: { cmd: y, group: api }\n  b: { cmd: x, group: api, numprocs: 2, autorestart: always }\n  web: { cmd: x, numprocs: 2, group: www }\n  fresh: { cmd: x }\n');
    assert.deepEqual(diffConfigs(before, after).groups, { added: ['www', 'fresh'], changed: ['api'], removed: ['web', 'solo'] });
    const tuned = parse(grouped.replace('numprocs: 2 }', 'numprocs: 2, autorestart: always }'));
    assert.deepEqual(diffConfigs(before, tuned).groups, { added: [], changed: [], removed: [] }, 'a supervision-only change restarts nothing');
  });
});

describe('XML-RPC names of grouped processes', () => {
  const info = (group: string, processName: string): ProcessInfo => ({ name: group === processName ? processName : `${group}:${processName}`, group, processName, state: 'RUNNING' }) as ProcessInfo;
  const api = { status: async () => [info('api', 'a'), info('api', 'b'), info('x', 'x'), info('x', 'y'), info('solo', 'solo')], avail: async () => [] } as unknown as SupervisorApi;
  const resolved = async (name: string): Promise<string[]> => {
    const result = await resolveName(api, name);
    return result.kind === 'group' ? result.members.map((view) => view.info.name) : [result.view.info.name];
  };

  it('reads names as supervisord does, and a bare group or a lone process name beyond it', async () => {
    assert.deepEqual(await resolved('api:*'), ['api:a', 'api:b']);
    assert.deepEqual(await resolved('api:'), ['api:a', 'api:b']);
    assert.deepEqual(await resolved('api:b'), ['api:b']);
    assert.deepEqual(await resolved('api'), ['api:a', 'api:b']);
    assert.deepEqual(await resolved('b'), ['api:b']);
    // supervisord's split_namespec: x alone is the process x of group x, not the group.
    assert.deepEqual(await resolved('x'), ['x']);
    assert.deepEqual(await resolved('solo'), ['solo']);
    for (const bad of ['api:c', 'nosuch', 'nosuch:*', 'x:a']) await assert.rejects(resolveName(api, bad), (error: { code?: number }) => error.code === 10, bad);
  });
});

describe('[group:x] and free-form process names in a supervisord config', () => {
  it('puts a group\'s programs and a section\'s processes in their group, with the group\'s priority as default; convert prints the key; a group named like a program outside it is an error', async () => {
    const dir = await makeTempDir('tm-groups-');
    try {
      const file = join(dir, 'supervisord.conf');
      await writeFile(file, `[supervisord]
logfile=%(here)s/supervisord.log
childlogdir=%(here)s
[group:api]
programs=a,b
priority=50
[program:a]
command=/bin/cat
[program:b]
command=/bin/cat
priority=7
[program:pool]
command=/bin/cat
numprocs=2
process_name=%(program_name)s-%(process_num)d
[program:one]
command=/bin/cat
process_name=only
`);
      const config = await loadConfig(file);
      const summary = [...config.programs.values()].map((program) => `${program.name} ${program.group} ${program.priority}`);
      assert.deepEqual(summary, ['a api 50', 'b api 7', 'pool-0 pool 999', 'pool-1 pool 999', 'only one 999']);
      assert.deepEqual(config.supervisord!.warnings.map(formatIssue), []);
      const { yaml } = await iniToYaml(file);
      assert.match(yaml, /^ {2}a:\n(?: {4}.*\n)*? {4}group: api$/m);
      assert.match(yaml, /^ {2}pool-1:\n(?: {4}.*\n)*? {4}group: pool$/m);
      await writeFile(file, '[supervisord]\nlogfile=%(here)s/s.log\n[group:web]\nprograms=a\n[program:a]\ncommand=/bin/cat\n[program:web]\ncommand=/bin/cat\n');
      await assert.rejects(loadConfig(file), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.issues.map(formatIssue), [`${file}:4:10: [group:web] programs: group web has the name of program web, which is not in it (give it \`group: web\` to put it there): "web" would name both`]);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
