import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isAlive, makeTempDir, run, waitFor, type CommandResult } from './helpers.js';

/** A real single-node SLURM (munged, slurmctld, slurmd) in a temporary folder, started as root for one test. */
export interface SlurmCluster {
  readonly dir: string;
  /** The environment SLURM's commands need to find this cluster (SLURM_CONF). */
  readonly env: NodeJS.ProcessEnv;
  readonly killWaitSeconds: number;
  slurm(command: string, args: readonly string[]): Promise<CommandResult>;
  /** Stops the three daemons by pid; safe to call twice. */
  stop(): Promise<void>;
}

const daemons = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'scancel', 'squeue', 'scontrol', 'sinfo'];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function stopDaemon(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Starts the cluster, or says why it cannot (not root, not installed, a daemon that does not come up). */
export async function startSlurmCluster(killWaitSeconds = 5): Promise<SlurmCluster | { skip: string }> {
  if (process.getuid?.() !== 0) return { skip: 'SLURM needs root to run slurmd and munged' };
  for (const command of daemons) {
    if ((await run('sh', ['-c', `command -v ${command}`])).code !== 0) return { skip: `${command} is not installed (Debian: apt-get install slurm-wlm munge)` };
  }
  const dir = await makeTempDir('tm-slurm-');
  const node = hostname().split('.')[0]!;
  const mungeRun = join(dir, 'munge-run');
  const mungeKeyDir = join(dir, 'munge-key');
  await mkdir(mungeRun, { mode: 0o755 });
  await mkdir(mungeKeyDir, { mode: 0o700 });
  await chmod(dir, 0o755);
  const keyFile = join(mungeKeyDir, 'munge.key');
  await writeFile(keyFile, randomBytes(1024), { mode: 0o400 });
  const mungeSocket = join(mungeRun, 'munge.sock');
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  const start = (command: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const output: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code, signal) => logs.push(`${command} exited (${code ?? signal}): ${output.join('').slice(-2000)}`));
    children.push(child);
    return child;
  };
  // Should the test process die early, its daemons die with it.
  const killOnExit = (): void => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    // slurmd first, then slurmctld, then munged that both need while they stop.
    for (const child of [...children].reverse()) await stopDaemon(child);
  };
  try {
    start('munged', ['-F', '-f', `--socket=${mungeSocket}`, `--key-file=${keyFile}`, `--log-file=${join(dir, 'munged.log')}`, `--pid-file=${join(mungeRun, 'munged.pid')}`, `--seed-file=${join(dir, 'munged.seed')}`]);
    await waitFor(async () => (await run('munge', ['-S', mungeSocket, '-n'])).code === 0 || children[0]!.exitCode !== null, 'munged to answer', 60_000);
    if (children[0]!.exitCode !== null) throw new Error(logs.join('\n'));
    const hardware = (await run('slurmd', ['-C'])).stdout;
    const cpus = Number(/CPUs=(\d+)/.exec(hardware)?.[1] ?? 1);
    // A node that reports less memory than slurm.conf says is drained: keep a margin.
    const memoryMb = Math.floor(Number(/RealMemory=(\d+)/.exec(hardware)?.[1] ?? 1000) * 0.9);
    const conf = join(dir, 'slurm.conf');
    await mkdir(join(dir, 'state'));
    await mkdir(join(dir, 'spool'));
    await writeFile(
      conf,
      [
        'ClusterName=tmtest',
        `SlurmctldHost=${node}`,
        'SlurmUser=root',
        'SlurmdUser=root',
        'AuthType=auth/munge',
        'CredType=cred/munge',
        `AuthInfo=socket=${mungeSocket}`,
        `SlurmctldPort=${await freePort()}`,
        `SlurmdPort=${await freePort()}`,
        `StateSaveLocation=${join(dir, 'state')}`,
        `SlurmdSpoolDir=${join(dir, 'spool')}`,
        `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
        `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
        `SlurmctldLogFile=${join(dir, 'slurmctld.log')}`,
        `SlurmdLogFile=${join(dir, 'slurmd.log')}`,
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'SelectType=select/cons_tres',
        'SchedulerType=sched/backfill',
        'ReturnToService=2',
        `KillWait=${killWaitSeconds}`,
        'MpiDefault=none',
        'JobAcctGatherType=jobacct_gather/none',
        'AccountingStorageType=accounting_storage/none',
        'JobCompType=jobcomp/none',
        `NodeName=${node} CPUs=${cpus} RealMemory=${memoryMb} State=UNKNOWN`,
        'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
        '',
      ].join('\n'),
    );
    const env = { ...process.env, SLURM_CONF: conf };
    start('slurmctld', ['-D', '-i', '-f', conf], env);
    start('slurmd', ['-D', '-f', conf], env);
    await waitFor(
      async () => (await run('sinfo', ['-h', '-o', '%T'], { env })).stdout.trim() === 'idle' || children.some((child) => child.exitCode !== null),
      'the SLURM node to be idle',
      120_000,
    );
    if (children.some((child) => child.exitCode !== null)) throw new Error(logs.join('\n'));
    return {
      dir,
      env,
      killWaitSeconds,
      slurm: (command, args) => run(command, args, { env }),
      stop,
    };
  } catch (error) {
    const slurmdLog = await readFile(join(dir, 'slurmd.log'), 'utf8').catch(() => '');
    await stop();
    return { skip: `SLURM did not start: ${(error as Error).message.slice(0, 1500)} ${slurmdLog.slice(-800)}` };
  }
}

/** Pids whose command line mentions `marker`: what a test left running, if anything. */
export async function processesMentioning(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker) && isAlive(Number(entry))) pids.push(Number(entry));
  }
  return pids;
}
