import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { webAssetRoutes } from '../../src/control/web-assets.js';

describe('webAssetRoutes', () => {
  it('serves index.html at / and each built file under /assets, nothing else', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'tm-web-assets-'));
    try {
      await mkdir(join(folder, 'assets', 'vendor'), { recursive: true });
      await writeFile(join(folder, 'index.html'), '<!doctype html>');
      await writeFile(join(folder, 'assets', 'app.js'), 'export {};');
      await writeFile(join(folder, 'assets', 'vendor', 'preact.mjs'), 'export {};');
      await writeFile(join(folder, 'assets', 'notes.txt'), 'not a web file');
      const keys = webAssetRoutes(folder).map(([key]) => key).sort();
      assert.deepEqual(keys, ['GET /', 'GET /assets/app.js', 'GET /assets/vendor/preact.mjs']);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('offers no route when the page was not built', () => {
    assert.deepEqual(webAssetRoutes(join(tmpdir(), 'tm-web-assets-none-here')), []);
  });
});
