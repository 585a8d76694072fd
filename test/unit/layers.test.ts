import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// dist/test/unit/ -> the repository root, where src/ and .dependency-cruiser.cjs are.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('layers', () => {
  it('src/ imports only downwards (config, contracts, output, engine, features, api, control, export, host, cli) and has no run-time cycle', async () => {
    const cli = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
    const outcome = await new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(process.execPath, [cli, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: root, timeout: 90_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` });
      });
    });
    assert.equal(outcome.code, 0, outcome.output);
  });
});
