import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addProgramToText, ConfigEditError, removeProgramFromText } from '../../src/config/edit-programs.js';

const config = `# my services
logfile: x.log      # the log, spaced as I like

programs:
  # the web server
  web:
    cmd: 'python3 -m http.server'   # serves
    numprocs: 2

  other: { cmd: "sleep 1" }
`;

describe('writing programs back to the config text', () => {
  it('adds a program after the last one and leaves every other byte as it was', () => {
    const added = addProgramToText(config, 'c.yaml', { name: 'new', cmd: ['sh', '-c', "echo 'a b'"], env: { A: '1' }, numprocs: 2 });
    assert.ok(added.startsWith(config), added);
    assert.equal(added.slice(config.length), `  new:\n    cmd:\n      - sh\n      - -c\n      - echo 'a b'\n    numprocs: 2\n    env:\n      A: "1"\n`);
  });

  it('removes a program with the comment lines right above it, and nothing else', () => {
    const removed = removeProgramFromText(config, 'c.yaml', 'web');
    assert.equal(removed, config.replace("  # the web server\n  web:\n    cmd: 'python3 -m http.server'   # serves\n    numprocs: 2\n", ''));
    assert.equal(removeProgramFromText(addProgramToText(config, 'c.yaml', { name: 'new', cmd: ['true'] }), 'c.yaml', 'new'), config);
  });

  it('creates programs when the file has none, and writes JSON as JSON', () => {
    assert.match(addProgramToText('# only a comment\nlogfile: a.log\n', 'c.yaml', { name: 'x', cmd: ['true'] }), /^# only a comment\nlogfile: a.log\nprograms:\n  x:\n    cmd:\n      - "true"\n$/);
    assert.deepEqual(JSON.parse(addProgramToText('{"programs": {"a": {"cmd": "true"}}}', 'c.json', { name: 'b', cmd: ['false'] })), { programs: { a: { cmd: 'true' }, b: { cmd: ['false'] } } });
  });

  it('refuses a name that exists, a missing one, and INI files, saying what to do', () => {
    assert.throws(() => addProgramToText(config, 'c.yaml', { name: 'web', cmd: ['true'] }), (error: unknown) => error instanceof ConfigEditError && error.reason === 'exists');
    assert.throws(() => removeProgramFromText(config, 'c.yaml', 'nope'), (error: unknown) => error instanceof ConfigEditError && error.reason === 'missing');
    assert.throws(() => addProgramToText('[program:a]\ncommand=true\n', 'supervisord.conf', { name: 'b', cmd: ['true'] }), /INI config.*\[program:NAME\].*taskmasterctl update/);
  });
});
