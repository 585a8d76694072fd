import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { makeTempDir, repoRoot, run, taskmasterBin } from '../helpers.js';
import { createSystemUser } from '../system-user.js';

const offThreadModule = pathToFileURL(join(repoRoot, 'dist', 'src', 'config', 'load-config-off-thread.js')).href;

describe('the machine checks of config loading', () => {
  it('refuse a user switch that needs root, both on the main thread and in the reload worker', async (t) => {
    const user = await createSystemUser('keys');
    t.after(() => user.remove());
    const dir = await makeTempDir('tm-keys-');
    await chmod(dir, 0o755);
    const file = join(dir, 'taskmaster.yaml');
    await writeFile(file, 'programs:\n  web:\n    cmd: "sleep 1"\n    user: root\n', { mode: 0o644 });
    const refusal = new RegExp(`taskmaster\\.yaml:4:11: programs\\.web\\.user: switching to user root needs taskmaster to run as root \\(it runs as ${user.name}\\)`);

    const asRoot = await run(process.execPath, [taskmasterBin, '--check', '-c', file]);
    assert.equal(asRoot.code, 0, asRoot.stderr);

    const check = await run('runuser', ['-u', user.name, '--', process.execPath, taskmasterBin, '--check', '-c', file, '--socket', join(dir, 't.sock')]);
    assert.equal(check.code, 1, check.stdout);
    assert.match(check.stderr, refusal);

    const script = `import { loadConfigOffThread } from ${JSON.stringify(offThreadModule)};
loadConfigOffThread(${JSON.stringify(file)}, { socket: ${JSON.stringify(join(dir, 't.sock'))} }).then(() => console.log('accepted'), (error) => console.log(error.code, error.message));`;
    // A file, not --eval: the worker would inherit --input-type and refuse to start.
    await writeFile(join(dir, 'load.mjs'), script, { mode: 0o644 });
    const worker = await run('runuser', ['-u', user.name, '--', process.execPath, join(dir, 'load.mjs')]);
    assert.equal(worker.code, 0, worker.stderr);
    assert.match(worker.stdout, /^E_CONFIG_INVALID /);
    assert.match(worker.stdout, refusal);
  });
});
