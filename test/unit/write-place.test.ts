import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { waitFor } from '../helpers.js';
import { WritePlace } from '../../src/output/write-place.js';

const write = (place: WritePlace, fd: number, text: string): Promise<{ error: NodeJS.ErrnoException | null; written: number; atOnce: boolean }> =>
  new Promise((resolve) => {
    let returned = false;
    place.write(fd, [Buffer.from(text)], (error, written) => resolve({ error, written, atOnce: !returned }));
    returned = true;
  });

describe('where a log file is written', () => {
  const localTmp = [0xef53, 0x01021994, 0x58465342, 0x9123683e, 0x794c7630].includes(statfsSync(tmpdir()).type);

  it('writes a regular local file on the event loop, at once', { skip: localTmp ? false : 'the temp folder is not on a local filesystem' }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'tm-write-place-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'out.log');
    const fd = openSync(path, 'a');
    t.after(() => closeSync(fd));
    const place = new WritePlace();
    place.opened(fd, path);
    assert.equal(place.onLoop, true);
    assert.deepEqual(await write(place, fd, 'one\n'), { error: null, written: 4, atOnce: true });
    assert.equal(readFileSync(path, 'utf8'), 'one\n');
  });

  it('sends a file whose write was slow to the thread pool for a while, and a pipe there always', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'tm-write-place-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'out.log');
    const fd = openSync(path, 'a');
    t.after(() => closeSync(fd));
    // Every write counts as slow: after the first, the file goes to the pool.
    const impatient = new WritePlace(-1);
    impatient.opened(fd, path);
    if (impatient.onLoop) assert.equal((await write(impatient, fd, 'on the loop\n')).atOnce, true);
    assert.equal(impatient.onLoop, false);
    assert.deepEqual(await write(impatient, fd, 'in the pool\n'), { error: null, written: 12, atOnce: false });
    assert.match(readFileSync(path, 'utf8'), /in the pool\n$/);
    if (localTmp) await waitFor(() => impatient.onLoop, 'the file back on the loop after its spell in the pool', 10_000);

    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    t.after(() => closeSync(reader));
    const writer = openSync(fifo, constants.O_WRONLY);
    t.after(() => closeSync(writer));
    const place = new WritePlace();
    place.opened(writer, fifo);
    assert.equal(place.onLoop, false);
  });
});
