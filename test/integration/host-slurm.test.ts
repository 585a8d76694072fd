import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ctl, fixtures, makeTempDir, repoRoot, run, taskmasterBin, waitFor, type StatusEntry } from '../helpers.js';
import { processesMentioning, startSlurmCluster, type SlurmCluster } from '../slurm-cluster.js';

/** A folder for one job: a `taskmaster` on PATH, a copy of the fixture (so its command line names the folder), a config. */
async function jobFolder(parent: string, name: string): Promise<{ dir: string; env: NodeJS.ProcessEnv; config: string; socket: string; log: string }> {
  const dir = join(parent, name);
  await mkdir(join(dir, 'bin'), { recursive: true });
  await writeFile(join(dir, 'bin', 'taskmaster'), `#!/bin/sh\nexec ${process.execPath} ${taskmasterBin} "$@"\n`, { mode: 0o755 });
  await copyFile(join(fixtures, 'signal-logger.sh'), join(dir, 'signal-logger.sh'));
  return { dir, env: { PATH: `${join(dir, 'bin')}:${process.env.PATH}`, TASKMASTER_CONFIG: join(dir, 'taskmaster.yaml') }, config: join(dir, 'taskmaster.yaml'), socket: join(dir, 'tm.sock'), log: join(dir, 'taskmaster.log') };
}

function programYaml(dir: string, name: string, extra = ''): string {
  return `  ${name}:\n    cmd: "${join(dir, 'signal-logger.sh')}"\n    env: { SIGNAL_LOG: "${join(dir, `${name}.signals`)}" }\n${extra}`;
}

async function status(socket: string): Promise<StatusEntry[]> {
  const result = await ctl(socket, '--json', 'status');
  return result.code === 0 ? (JSON.parse(result.stdout) as StatusEntry[]) : [];
}

async function submit(cluster: SlurmCluster, job: { dir: string; env: NodeJS.ProcessEnv }, script: string): Promise<string> {
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('sbatch', ['--parsable', `--chdir=${job.dir}`, `--output=${join(job.dir, 'job.out')}`, script], { env: { ...cluster.env, ...job.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim().split(';')[0]!;
}

async function jobGone(cluster: SlurmCluster, jobId: string, dir: string): Promise<void> {
  await waitFor(async () => (await cluster.slurm('squeue', ['-h', '-j', jobId])).stdout.trim() === '', `job ${jobId} to leave squeue`, 60_000);
  await waitFor(async () => (await processesMentioning(dir)).length === 0, `every process of ${dir} to end`, 60_000);
}

/** What escaped a failed test: it must not outlive the test file. */
async function killLeftovers(dir: string): Promise<void> {
  // Scanned again until none is left: a taskmaster killed mid-start may have spawned one after the scan.
  await waitFor(async () => {
    const pids = await processesMentioning(dir);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // It ended meanwhile.
      }
    }
    return pids.length === 0;
  }, `no process of ${dir} to be left`);
}

const readText = (path: string) => readFile(path, 'utf8').catch(() => '');

describe('inside a SLURM job', { concurrency: false }, () => {
  let cluster: SlurmCluster | null = null;
  let skipReason: string | null = null;

  const withCluster = async (t: { skip(reason: string): void; diagnostic(text: string): void }): Promise<SlurmCluster | null> => {
    if (cluster === null && skipReason === null) {
      const started = Date.now();
      const result = await startSlurmCluster(5);
      if ('skip' in result) skipReason = result.skip;
      else cluster = result;
      t.diagnostic(`single-node SLURM set up in ${Date.now() - started} ms`);
    }
    if (skipReason !== null) {
      process.stdout.write(`# skipping the SLURM tests: ${skipReason}\n`);
      t.skip(skipReason);
    }
    return cluster;
  };

  it('runs as `exec taskmaster --no-shell`, says it is in the job, warns of stoptime over KillWait, reloads on scancel --signal=HUP --batch and stops gracefully on scancel', async (t) => {
    const slurm = await withCluster(t);
    if (!slurm) return;
    const job = await jobFolder(await makeTempDir('tm-slurm-job-'), 'exec');
    const head = `socket: ${job.socket}\nlogfile: ${job.log}\nprograms:\n`;
    await writeFile(job.config, head + programYaml(job.dir, 'worker', '    stoptime: 10s\n'));
    const jobId = await submit(slurm, job, join(repoRoot, 'examples', 'slurm', 'taskmaster.sbatch'));
    try {
      await waitFor(async () => (await status(job.socket)).some((process) => process.state === 'RUNNING'), 'worker to run in the job', 60_000);
      const log = await waitFor(async () => ((await readText(job.log)).includes('KillWait') ? readText(job.log) : null), 'the KillWait check', 30_000);
      assert.match(log, new RegExp(`running inside SLURM job ${jobId} on node `));
      assert.match(log, /program worker: stoptime 10s exceeds SLURM's KillWait of 5s/);
      const workerPid = (await status(job.socket))[0]!.pid;

      await writeFile(job.config, head + programYaml(job.dir, 'worker', '    stoptime: 3s\n') + programYaml(job.dir, 'helper', '    stoptime: 3s\n'));
      const hup = await slurm.slurm('scancel', ['--signal=HUP', '--batch', jobId]);
      assert.equal(hup.code, 0, hup.stderr);
      await waitFor(async () => (await status(job.socket)).find((process) => process.name === 'helper')?.state === 'RUNNING', 'helper, added by the reload, to run', 30_000);
      assert.equal((await status(job.socket)).find((process) => process.name === 'worker')?.pid, workerPid, 'a reload keeps the running worker');

      const cancel = await slurm.slurm('scancel', [jobId]);
      assert.equal(cancel.code, 0, cancel.stderr);
      await jobGone(slurm, jobId, job.dir);
      assert.equal((await readText(join(job.dir, 'worker.signals'))).trim(), 'TERM', 'worker stopped on SIGTERM, not SIGKILL');
      assert.equal((await readText(join(job.dir, 'helper.signals'))).trim(), 'TERM');
      // scancel signals every process of the job at once: a program may exit on SLURM's SIGTERM before taskmaster stops it.
      assert.match(await readText(job.log), /(stopped|exited): worker \(exit status 0[^]*taskmaster stopped/);
    } finally {
      await slurm.slurm('scancel', [jobId]);
      await killLeftovers(job.dir);
    }
  });

  it('stops in order, each program with its own stopsignal, on scancel --signal=TERM --batch', async (t) => {
    const slurm = await withCluster(t);
    if (!slurm) return;
    const job = await jobFolder(await makeTempDir('tm-slurm-job-'), 'orderly');
    await writeFile(job.config, `socket: ${job.socket}\nlogfile: ${job.log}\nprograms:\n${programYaml(job.dir, 'worker', '    stopsignal: USR1\n    stoptime: 3s\n')}`);
    const jobId = await submit(slurm, job, join(repoRoot, 'examples', 'slurm', 'taskmaster.sbatch'));
    try {
      await waitFor(async () => (await status(job.socket)).some((process) => process.state === 'RUNNING'), 'worker to run in the job', 60_000);
      assert.equal((await slurm.slurm('scancel', ['--signal=TERM', '--batch', jobId])).code, 0);
      await jobGone(slurm, jobId, job.dir);
      assert.equal((await readText(join(job.dir, 'worker.signals'))).trim(), 'USR1');
    } finally {
      await slurm.slurm('scancel', [jobId]);
      await killLeftovers(job.dir);
    }
  });

  it('without exec, stops everything when scancel --signal=HUP --batch kills the batch shell, instead of escaping the job', async (t) => {
    const slurm = await withCluster(t);
    if (!slurm) return;
    const job = await jobFolder(await makeTempDir('tm-slurm-job-'), 'noexec');
    await writeFile(job.config, `socket: ${job.socket}\nlogfile: ${job.log}\nprograms:\n${programYaml(job.dir, 'worker', '    stoptime: 3s\n')}`);
    const script = join(job.dir, 'no-exec.sbatch');
    await writeFile(script, '#!/bin/bash\ntaskmaster --no-shell -c "$TASKMASTER_CONFIG"\necho "taskmaster exited with $?"\n', { mode: 0o755 });
    const jobId = await submit(slurm, job, script);
    try {
      await waitFor(async () => (await status(job.socket)).some((process) => process.state === 'RUNNING'), 'worker to run in the job', 60_000);
      assert.equal((await slurm.slurm('scancel', ['--signal=HUP', '--batch', jobId])).code, 0);
      await waitFor(async () => (await processesMentioning(job.dir)).length === 0, 'taskmaster and worker to end', 30_000);
      assert.match(await readText(job.log), /parent process \d+ \(the job's batch shell\) is gone: stopping every program/);
      assert.equal((await readText(join(job.dir, 'worker.signals'))).trim(), 'TERM');
    } finally {
      await slurm.slurm('scancel', [jobId]);
      await killLeftovers(job.dir);
    }
  });

  it('stops the daemons it started', async (t) => {
    if (!cluster) {
      t.skip(skipReason ?? 'no cluster was started');
      return;
    }
    await cluster.stop();
    assert.deepEqual(await processesMentioning(cluster.dir), [], 'a SLURM daemon of the test is still running');
  });
});

describe('outside SLURM, with a SLURM job in the environment', () => {
  it('stops every program and exits when its parent dies', async () => {
    const job = await jobFolder(await makeTempDir('tm-parent-'), 'parent');
    await writeFile(job.config, `socket: ${job.socket}\nlogfile: ${job.log}\nprograms:\n${programYaml(job.dir, 'worker', '    stoptime: 3s\n')}`);
    // A stand-in for the batch shell: sh waits on taskmaster, and is then SIGKILLed.
    const shell = spawn('sh', ['-c', `"${process.execPath}" "${taskmasterBin}" --no-shell -c "${job.config}"; echo never`], {
      env: { ...process.env, SLURM_JOB_ID: '4242', PATH: `/nonexistent:${process.env.PATH}` },
      stdio: 'ignore',
    });
    try {
      await waitFor(async () => (await status(job.socket)).some((process) => process.state === 'RUNNING'), 'worker to run');
      assert.match(await readText(job.log), /running inside SLURM job 4242/);
      shell.kill('SIGKILL');
      await waitFor(async () => (await processesMentioning(job.dir)).length === 0, 'taskmaster and worker to end once the parent is gone', 20_000);
      assert.match(await readText(job.log), /parent process \d+ \(the job's batch shell\) is gone/);
      assert.equal((await readText(join(job.dir, 'worker.signals'))).trim(), 'TERM');
    } finally {
      await killLeftovers(job.dir);
    }
  });

  it('with --daemon, says it has left the batch shell and keeps running after its launcher exits', async () => {
    const job = await jobFolder(await makeTempDir('tm-parent-'), 'daemon');
    await writeFile(job.config, `socket: ${job.socket}\nlogfile: ${job.log}\nprograms:\n${programYaml(job.dir, 'worker', '    stoptime: 3s\n')}`);
    const launcher = await run(process.execPath, [taskmasterBin, '-d', '-c', job.config], { env: { ...process.env, SLURM_JOB_ID: '4343', PATH: `/nonexistent:${process.env.PATH}` } });
    try {
      assert.equal(launcher.code, 0, launcher.stderr);
      await waitFor(async () => /--daemon inside a SLURM job: taskmaster has left the batch shell/.test(await readText(job.log)), 'the warning that a daemon has left the job');
      // Three turns of the parent watch (1 s each) would have stopped it by now if it watched.
      const until = Date.now() + 3_000;
      await waitFor(async () => Date.now() > until && (await status(job.socket)).some((process) => process.state === 'RUNNING'), 'the daemon to keep running', 15_000);
      assert.doesNotMatch(await readText(job.log), /is gone: stopping every program/);
      assert.equal((await ctl(job.socket, 'shutdown')).code, 0);
      await waitFor(async () => (await processesMentioning(job.dir)).length === 0, 'the daemon and its worker to end');
    } finally {
      await killLeftovers(job.dir);
    }
  });
});
