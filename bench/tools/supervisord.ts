import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cleanup } from '../lib/cleanup.js';
import { waitUntil } from '../lib/deadline.js';
import { runChecked, runCommand, shellQuote } from '../lib/run-command.js';
import { allProcessInfo, supervisordRpc } from './supervisord-rpc.js';
import { waitAllRunning, type ProcessRow, type ProgramSpec, type Session, type Tool } from './session.js';

/** The same settings as Taskmaster's config: no start delay, restart always, 10 s stop timeout. */
function configIni(dir: string, programs: readonly ProgramSpec[]): string {
  const socket = join(dir, 'supervisor.sock');
  const lines = [
    '[unix_http_server]',
    `file=${socket}`,
    '[supervisord]',
    `logfile=${join(dir, 'supervisord.log')}`,
    `pidfile=${join(dir, 'supervisord.pid')}`,
    `childlogdir=${dir}`,
    'nodaemon=true',
    // Three pipe ends per child: 1000 children need more than the default 1024 descriptors.
    'minfds=10000',
    '[rpcinterface:supervisor]',
    'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
    '[supervisorctl]',
    `serverurl=unix://${socket}`,
  ];
  for (const program of programs) {
    lines.push(
      `[program:${program.name}]`,
      // supervisord expands %(...)s in commands, so a literal % must be doubled.
      `command=${shellQuote(program.argv).replace(/%/g, '%%')}`,
      `autostart=${program.autostart}`,
      'autorestart=true',
      'startsecs=0',
      'startretries=3',
      'stopwaitsecs=10',
      `stdout_logfile=${program.stdoutFile ?? 'NONE'}`,
      ...(program.rotate ? [] : ['stdout_logfile_maxbytes=0']),
      'stderr_logfile=NONE',
    );
  }
  return `${lines.join('\n')}\n`;
}

export class SupervisordTool implements Tool {
  readonly name = 'supervisord';

  constructor(private readonly cleanup: Cleanup) {}

  /** Installs Debian's package when supervisord is missing; never touches the system service. */
  async prepare(): Promise<string> {
    const probe = await runCommand('supervisord', ['--version']).catch(() => null);
    if (probe?.code === 0) return probe.stdout.trim();
    process.stderr.write('bench: supervisord missing, installing the Debian package supervisor\n');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await runChecked('apt-get', ['update', '-qq'], { env, timeoutMs: 180_000 });
    await runChecked('apt-get', ['install', '-y', '-qq', 'supervisor'], { env, timeoutMs: 180_000 });
    return (await runChecked('supervisord', ['--version'])).stdout.trim();
  }

  async launch(programs: readonly ProgramSpec[], label: string): Promise<Session> {
    const dir = await this.cleanup.makeTempDir(`supervisord-${label}`);
    const configFile = join(dir, 'supervisord.conf');
    const socket = join(dir, 'supervisor.sock');
    await writeFile(configFile, configIni(dir, programs));
    const { pid, close } = this.cleanup.launchSupervisor(`supervisord ${label}`, 'supervisord', ['-n', '-c', configFile], join(dir, 'console.log'), 60_000);
    await waitUntil(() => supervisordRpc(socket, 'supervisor.getState').then(() => true, () => false), 'the supervisord socket', 15_000);

    const ctl = async (...args: string[]): Promise<void> => {
      const outcome = await runCommand('supervisorctl', ['-c', configFile, ...args], { timeoutMs: 120_000 });
      // supervisorctl exits 3 from status when something is not running, as Taskmaster does.
      if (outcome.code !== 0 && !(args[0] === 'status' && outcome.code === 3)) {
        throw new Error(`supervisorctl ${args.join(' ')} exited ${outcome.code}: ${(outcome.stderr || outcome.stdout).slice(-500)}`);
      }
    };
    const session: Session = {
      tool: 'supervisord',
      supervisorPid: pid,
      rows: async (): Promise<ProcessRow[]> =>
        (await allProcessInfo(socket)).map((row) => ({ name: row.name, running: row.state === 'RUNNING', pid: row.pid === 0 ? null : row.pid })),
      startAll: () => ctl('start', 'all'),
      stopAll: () => ctl('stop', 'all'),
      cliStatus: () => ctl('status'),
      cliStart: (name) => ctl('start', name),
      cliStop: (name) => ctl('stop', name),
      reload: async (next) => {
        await writeFile(configFile, configIni(dir, next));
        await ctl('update');
      },
      close,
    };
    await waitAllRunning(session, programs.filter((program) => program.autostart).map((program) => program.name), 180_000);
    return session;
  }
}
