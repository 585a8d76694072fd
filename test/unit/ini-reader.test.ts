import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iniEnvironment } from '../../src/config/ini/ini-environment.js';
import { expand } from '../../src/config/ini/ini-expand.js';
import { emptyIniDocument, lookup, readIni } from '../../src/config/ini/ini-reader.js';
import { IniSources } from '../../src/config/ini/ini-sources.js';
import { iniAutorestart, iniBoolean, iniByteSize, iniExitCodes, iniInetAddress } from '../../src/config/ini/ini-values.js';

function read(text: string) {
  const document = emptyIniDocument();
  const errors = readIni(text, 0, '/etc/supervisor', document);
  const value = (section: string, key: string) => {
    const found = document.sections.get(section);
    return found ? lookup(document, found, key)?.value : undefined;
  };
  return { document, errors, value };
}

describe('reading INI text as RawConfigParser does', () => {
  it('strips full-line comments, and inline ones only after whitespace', () => {
    const { value } = read('# top\n; also\n[program:a]\ncommand = /bin/cat ; the cat\nurl=http://x/#frag\nsemi=a;b\n  # indented comment\n');
    assert.equal(value('program:a', 'command'), '/bin/cat');
    assert.equal(value('program:a', 'url'), 'http://x/#frag');
    assert.equal(value('program:a', 'semi'), 'a;b');
  });

  it('takes = or : as the delimiter, whichever comes first, and lower-cases keys', () => {
    const { value } = read('[x]\nCommand: a=b\nKey = c:d\n');
    assert.equal(value('x', 'command'), 'a=b');
    assert.equal(value('x', 'key'), 'c:d');
  });

  it('joins indented continuation lines with newlines, keeping inner blank lines', () => {
    const { value } = read('[x]\ncmd = one\n  two\n\n  three\n\nnext = 1\n');
    assert.equal(value('x', 'cmd'), 'one\ntwo\n\nthree');
    assert.equal(value('x', 'next'), '1');
  });

  it('fills keys from [DEFAULT], merges a repeated section and keeps the last value of a repeated key', () => {
    const { value, document } = read('[DEFAULT]\nautostart=false\n[x]\na=1\n[y]\n[x]\na=2\nautostart=true\n');
    assert.equal(value('x', 'a'), '2');
    assert.equal(value('x', 'autostart'), 'true');
    assert.equal(value('y', 'autostart'), 'false');
    assert.deepEqual([...document.sections.keys()], ['x', 'y']);
  });

  it('reports a key before any section and a line without a delimiter, with their offsets', () => {
    const { errors } = read('a=1\n[x]\nno delimiter here\n');
    assert.deepEqual(errors.map((error) => error.offset), [0, 8]);
    assert.match(errors[1]!.message, /expected key = value/);
  });

  it('locates offsets in whichever file they were read from', () => {
    const sources = new IniSources();
    sources.add('/a.conf', '[x]\nk=1\n');
    const second = sources.add('/b.conf', '[y]\n  k = 2\n');
    assert.deepEqual(sources.position(second + 10), { file: '/b.conf', line: 2, column: 7 });
    const [generated] = sources.synthetic('text', second + 4);
    assert.deepEqual(sources.position(generated), { file: '/b.conf', line: 2, column: 1 });
  });
});

describe('supervisord expansion and values', () => {
  const names = new Map<string, string | number>([['program_name', 'web'], ['process_num', 3], ['ENV_HOME', '/root']]);

  it('expands %(name)s, printf formats such as %(process_num)02d, and %% as a literal %', () => {
    assert.deepEqual(expand('%(program_name)s_%(process_num)02d', names), { ok: true, value: 'web_03' });
    assert.deepEqual(expand('%(process_num)-4d|%(process_num)x|%(ENV_HOME)s|100%%', names), { ok: true, value: '3   |3|/root|100%' });
  });

  it('refuses an unknown name, listing the available ones, and a bare %', () => {
    const unknown = expand('%(nope)s', names);
    assert.ok(!unknown.ok && /nope.*available names: ENV_HOME, process_num, program_name/.test(unknown.message));
    assert.equal(expand('50%', names).ok, false);
    assert.equal(expand('%(program_name)d', names).ok, false);
  });

  it('reads booleans, sizes, exit codes, autorestart and addresses as supervisord does', () => {
    for (const yes of ['true', 'Yes', 'on', '1']) assert.deepEqual(iniBoolean(yes), { ok: true, value: true });
    for (const no of ['false', 'NO', 'off', '0']) assert.deepEqual(iniBoolean(no), { ok: true, value: false });
    assert.equal(iniBoolean('maybe').ok, false);
    assert.deepEqual(iniByteSize('50MB'), { ok: true, value: 50 * 1024 * 1024 });
    assert.deepEqual(iniByteSize('1gb'), { ok: true, value: 1024 ** 3 });
    assert.deepEqual(iniByteSize('1024'), { ok: true, value: 1024 });
    assert.equal(iniByteSize('1.5MB').ok, false);
    assert.deepEqual(iniExitCodes('0,2'), { ok: true, value: [0, 2] });
    assert.equal(iniExitCodes('256').ok, false);
    assert.deepEqual(iniAutorestart('true'), { ok: true, value: 'always' });
    assert.deepEqual(iniAutorestart('unexpected'), { ok: true, value: 'unexpected' });
    assert.deepEqual(iniInetAddress('9001'), { ok: true, value: { host: '0.0.0.0', port: 9001 } });
    assert.deepEqual(iniInetAddress('127.0.0.1:9001'), { ok: true, value: { host: '127.0.0.1', port: 9001 } });
  });

  it('reads environment= with quotes that hold commas, as supervisord\'s shlex does', () => {
    assert.deepEqual(iniEnvironment('A="x, y",B=2,C=\'q\''), { ok: true, value: { A: 'x, y', B: '2', C: 'q' } });
    assert.deepEqual(iniEnvironment('PATH=/usr/bin:/bin,K=a.b+c-d'), { ok: true, value: { PATH: '/usr/bin:/bin', K: 'a.b+c-d' } });
    assert.equal(iniEnvironment('A=$HOME').ok, false);
    assert.equal(iniEnvironment('A="open').ok, false);
  });
});
