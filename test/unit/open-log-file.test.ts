import assert from 'node:assert/strict';
import { chmodSync, chownSync, closeSync, linkSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EventLog } from '../../src/engine/event-log.js';
import { openLogFile, truncateLogFile, UnsafeFileError } from '../../src/output/open-log-file.js';
import { makeTempDir } from '../helpers.js';

const modeOf = (path: string) => (statSync(path).mode & 0o7777).toString(8);
const asRoot = { skip: process.getuid?.() !== 0 && 'needs root' };
/** nobody: a uid that is not ours, for files "left by another user". */
const otherUid = 65_534;

describe('opening a log file', () => {
  it('creates the file with its mode and missing folders 0700, and appends', async () => {
    const dir = await makeTempDir();
    const path = join(dir, 'a', 'b', 'out.log');
    const fd = openLogFile(path, { mode: 0o640 });
    writeSync(fd, 'one\n');
    closeSync(fd);
    const again = openLogFile(path, { mode: 0o640 });
    writeSync(again, 'two\n');
    closeSync(again);
    assert.equal(readFileSync(path, 'utf8'), 'one\ntwo\n');
    assert.equal(modeOf(path), '640');
    assert.equal(modeOf(join(dir, 'a')), '700');
    assert.equal(modeOf(join(dir, 'a', 'b')), '700');
  });

  it('refuses a symbolic link, saying so, and leaves its target alone', async () => {
    const dir = await makeTempDir();
    writeFileSync(join(dir, 'target'), 'keep\n');
    symlinkSync(join(dir, 'target'), join(dir, 'out.log'));
    assert.throws(() => openLogFile(join(dir, 'out.log'), { mode: 0o600, truncate: true }), (error: unknown) => error instanceof UnsafeFileError && error.reason === 'symlink' && /symbolic link/.test(error.message));
    assert.throws(() => truncateLogFile(join(dir, 'out.log'), 0o600), UnsafeFileError);
    assert.equal(readFileSync(join(dir, 'target'), 'utf8'), 'keep\n');
    // clear of a file that does not exist does not create it.
    truncateLogFile(join(dir, 'none.log'), 0o600);
    assert.throws(() => statSync(join(dir, 'none.log')), /ENOENT/);
  });

  it('refuses another user\'s file in a sticky world-writable folder before truncating it', asRoot, async () => {
    const dir = await makeTempDir();
    chmodSync(dir, 0o1777);
    const path = join(dir, 'out.log');
    writeFileSync(path, 'theirs\n');
    chownSync(path, otherUid, otherUid);
    assert.throws(() => openLogFile(path, { mode: 0o600, truncate: true }), (error: unknown) => error instanceof UnsafeFileError && error.reason === 'foreign-owner');
    assert.equal(readFileSync(path, 'utf8'), 'theirs\n');
    // Without the sticky bit (a folder of ours) the same file is ours to write.
    chmodSync(dir, 0o755);
    closeSync(openLogFile(path, { mode: 0o600 }));
  });

  it('refuses a second hard link in a folder another user can write', asRoot, async () => {
    const dir = await makeTempDir();
    const theirs = join(dir, 'theirs');
    mkdirSync(theirs);
    chownSync(theirs, otherUid, otherUid);
    writeFileSync(join(dir, 'precious'), 'root only\n', { mode: 0o600 });
    linkSync(join(dir, 'precious'), join(theirs, 'out.log'));
    assert.throws(() => openLogFile(join(theirs, 'out.log'), { mode: 0o600 }), (error: unknown) => error instanceof UnsafeFileError && error.reason === 'hard-linked');
    assert.equal(readFileSync(join(dir, 'precious'), 'utf8'), 'root only\n');
  });

  it('makes the event log refuse a symbolic link too', async () => {
    const dir = await makeTempDir();
    writeFileSync(join(dir, 'target'), 'keep\n');
    symlinkSync(join(dir, 'target'), join(dir, 'taskmaster.log'));
    const log = new EventLog({ path: join(dir, 'taskmaster.log'), maxBytes: 0, backups: 0, format: 'text', level: 'info', mode: 0o600 });
    log.info('hello');
    log.close();
    assert.equal(readFileSync(join(dir, 'target'), 'utf8'), 'keep\n');
  });
});
