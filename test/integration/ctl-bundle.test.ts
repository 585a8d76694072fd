import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, repoRoot, run, RunningTaskmaster, taskmasterctlBin } from '../helpers.js';

const programs = `programs:
  sleeper: { cmd: "sleep 1000", starttime: 0 }
  broken: { cmd: "sh -c 'echo it broke >&2; exit 3'", startretries: 0, starttime: 1 }
`;

/** Runs taskmasterctl with a preload that writes, at exit, the built-in modules it loaded beyond Node's own start-up. */
async function modulesLoadedBy(args: readonly string[]): Promise<{ modules: string[]; stdout: string; code: number | null }> {
  const dir = await makeTempDir('tm-ctl-bundle-');
  const preload = join(dir, 'loaded.cjs');
  const listFile = join(dir, 'loaded.txt');
  await writeFile(preload, `const before = new Set(process.moduleLoadList);
process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(listFile)}, process.moduleLoadList.filter((name) => !before.has(name)).join('\\n')));\n`);
  const result = await run(process.execPath, ['--require', preload, taskmasterctlBin, ...args], { env: { ...process.env, NO_COLOR: '1' } });
  return { modules: (await readFile(listFile, 'utf8')).split('\n'), stdout: result.stdout, code: result.code };
}

describe('taskmasterctl as one bundled file', () => {
  it('is one CommonJS file that requires only Node built-ins and npm packages, none of our modules', async () => {
    const bundle = await readFile(taskmasterctlBin, 'utf8');
    assert.ok(bundle.startsWith('#!/usr/bin/env node\n'));
    const required = [...bundle.matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1]!);
    assert.ok(required.includes('node:net'));
    assert.deepEqual(required.filter((name) => name.startsWith('.') || name.startsWith('/')), []);
  });

  it('answers status on node:net alone: neither the HTTP client nor the stdin stream is loaded', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, programs);
    await tm.waitForState('sleeper', 'RUNNING');
    await tm.waitForState('broken', 'FATAL');
    const { modules, stdout, code } = await modulesLoadedBy(['-s', tm.socket, 'status']);
    assert.equal(code, 3, stdout);
    assert.match(stdout, /^broken +FATAL +Exited too quickly/m);
    assert.match(stdout, /^ {4}stderr\| it broke$/m);
    assert.match(stdout, /^sleeper +RUNNING +pid \d+, uptime /m);
    assert.ok(modules.includes('NativeModule net'), modules.join(' '));
    for (const heavy of ['NativeModule http', 'NativeModule _http_client', 'NativeModule internal/fs/streams', 'NativeModule readline']) assert.ok(!modules.includes(heavy), `${heavy} was loaded`);
  });

  it('prints what the unbundled modules print, for status, --json status and a lazily loaded path (-c FILE)', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, programs);
    await tm.waitForState('sleeper', 'RUNNING');
    await tm.waitForState('broken', 'FATAL');
    const config = join(tm.dir, 'by-config.yaml');
    await writeFile(config, `socket: ${JSON.stringify(tm.socket)}\n${programs}`);
    const modulesEntry = join(repoRoot, 'dist', 'src', 'cli', 'taskmasterctl.js');
    // The uptime may tick between two runs.
    const steady = (text: string): string => text.replace(/uptime \d+:\d+:\d+/g, 'uptime T').replace(/"uptime": \d+/g, '"uptime": T');
    for (const args of [['-s', tm.socket, 'status'], ['-s', tm.socket, '--json', 'status', 'sleeper', 'nope'], ['-c', config, 'avail']]) {
      const [bundled, unbundled] = await Promise.all([taskmasterctlBin, modulesEntry].map((bin) => run(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: '1' } })));
      assert.equal(bundled!.code, unbundled!.code, args.join(' '));
      assert.equal(steady(bundled!.stdout), steady(unbundled!.stdout), args.join(' '));
      assert.equal(bundled!.stderr, unbundled!.stderr, args.join(' '));
    }
  });
});
