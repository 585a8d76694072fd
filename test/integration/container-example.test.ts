import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { basename, join, posix } from 'node:path';
import { describe, it } from 'node:test';
import { freePort, isAlive, repoRoot, run, statusOf, sweptTempDirs, taskmasterBin, waitFor } from '../helpers.js';

const exampleDir = join(repoRoot, 'examples', 'container');
const testDir = sweptTempDirs();

interface Dockerfile {
  readonly workdir: string;
  readonly entrypoint: string[];
  /** COPY lines other than `COPY . .`: sources in the build context (the repository) and a destination. */
  readonly copies: { sources: string[]; destination: string }[];
  readonly run: string;
}

/** The instructions this test relies on, read from the Dockerfile (continuation lines joined). */
function readDockerfile(): Dockerfile {
  const lines = readFileSync(join(exampleDir, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const argsOf = (instruction: string): string[] => lines.filter((line) => line.startsWith(`${instruction} `)).map((line) => line.slice(instruction.length + 1).trim());
  const entrypoint = argsOf('ENTRYPOINT');
  assert.equal(entrypoint.length, 1, 'one ENTRYPOINT');
  return {
    workdir: argsOf('WORKDIR')[0] ?? '/',
    entrypoint: JSON.parse(entrypoint[0]!) as string[],
    copies: argsOf('COPY').filter((line) => line !== '. .').map((line) => {
      const words = line.split(/\s+/);
      return { sources: words.slice(0, -1), destination: words.at(-1)! };
    }),
    run: argsOf('RUN').join('\n'),
  };
}

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (text: string) => (body += text)).on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe('examples/container', () => {
  it('has a Dockerfile whose ENTRYPOINT runs taskmaster on a config it copies from examples/container, with flags taskmaster takes', async () => {
    const dockerfile = readDockerfile();
    const [command, ...args] = dockerfile.entrypoint;
    assert.equal(command, 'taskmaster');
    // The command on PATH is a link to the compiled CLI inside WORKDIR, which the build makes.
    const link = new RegExp(`ln -s (\\S+) /usr/local/bin/${command}(\\s|$)`).exec(dockerfile.run);
    assert.ok(link, `the Dockerfile puts no ${command} on PATH`);
    const target = posix.relative(dockerfile.workdir, link[1]!);
    assert.equal(target, 'dist/src/cli/taskmaster.js');
    assert.ok(existsSync(join(repoRoot, target)), `${target} is not what npm run build makes`);
    assert.match(dockerfile.run, /npm ci/);
    assert.match(dockerfile.run, /npm run build/);
    const configPath = args[args.indexOf('-c') + 1]!;
    const copied = dockerfile.copies.find((copy) => copy.destination.endsWith('/') ? posix.join(copy.destination, basename(configPath)) === configPath && copy.sources.some((source) => basename(source) === basename(configPath)) : copy.destination === configPath);
    assert.ok(copied, `no COPY puts ${configPath} in the image`);
    for (const source of copied.sources) assert.ok(existsSync(join(repoRoot, source)), `COPY source ${source} is not in the repository`);
    const example = join(repoRoot, copied.sources.find((source) => basename(source) === basename(configPath))!);
    const check = await run(process.execPath, [taskmasterBin, ...args.map((word) => (word === configPath ? example : word)), '--check']);
    assert.equal(check.code, 0, check.stderr);
  });

  it('runs the example as PID 1 of a new PID namespace; SIGTERM stops every program gracefully and exits 0', { skip: process.getuid?.() !== 0 && 'unshare --pid needs root' }, async () => {
    const dir = await testDir();
    const port = await freePort();
    // As the image holds them: the config and the server side by side in one folder (only the port differs, to be free here).
    await writeFile(join(dir, 'taskmaster.yaml'), (await readFile(join(exampleDir, 'taskmaster.yaml'), 'utf8')).replaceAll('8080', String(port)));
    await copyFile(join(exampleDir, 'server.mjs'), join(dir, 'server.mjs'));
    const socket = join(dir, 'tm.sock');
    const [, ...args] = readDockerfile().entrypoint;
    const argv = [...args.map((word) => (word.endsWith('taskmaster.yaml') ? join(dir, 'taskmaster.yaml') : word)), '-s', socket, '-l', join(dir, 'taskmaster.log')];
    const unshare = spawn('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, taskmasterBin, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    unshare.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    unshare.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const exited = new Promise<number | null>((resolve) => unshare.once('exit', (code) => resolve(code)));
    const init = await waitFor(() => readFileSync(`/proc/${unshare.pid}/task/${unshare.pid}/children`, 'utf8').trim().split(' ').map(Number)[0], 'the namespace init');
    try {
      await waitFor(async () => {
        const states = await statusOf(socket).catch(() => []);
        return states.length === 2 && states.every((process) => process.state === 'RUNNING');
      }, 'web and worker to be RUNNING', 30_000);
      assert.match(await httpGet(port), /^hello from pid \d+$/m);
      assert.doesNotMatch(stderr, /reaper addon/, 'as PID 1 the addon must load');
      process.kill(init, 'SIGTERM');
      assert.equal(await exited, 0, `exit code after SIGTERM:\n${stderr}`);
      const log = await readFile(join(dir, 'taskmaster.log'), 'utf8');
      assert.match(log, /stopped: web \(exit status 0\)/);
      assert.match(log, /stopped: worker \(exit status 0\)/);
      assert.match(log, /taskmaster stopped/);
      assert.match(stdout, /worker: finishing/, 'the worker ran its TERM handler');
      // The event log went to stderr too, where docker logs finds it.
      assert.match(stderr, /received SIGTERM indicating exit request/);
    } finally {
      if (isAlive(init)) process.kill(init, 'SIGKILL');
    }
  });
});
