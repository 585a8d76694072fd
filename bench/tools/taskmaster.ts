import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cleanup } from '../lib/cleanup.js';
import { waitUntil } from '../lib/deadline.js';
import { runChecked, runCommand, shellQuote } from '../lib/run-command.js';
import { unixHttp } from '../lib/unix-http.js';
import { taskmasterBin, taskmasterctlBin } from './repo-paths.js';
import { waitAllRunning, type ProcessRow, type ProgramSpec, type Session, type Tool } from './session.js';

function configYaml(dir: string, programs: readonly ProgramSpec[]): string {
  const lines = [`logfile: ${JSON.stringify(join(dir, 'taskmaster.log'))}`, `logdir: ${JSON.stringify(join(dir, 'logs'))}`, 'programs:'];
  for (const program of programs) {
    lines.push(
      `  ${program.name}:`,
      `    cmd: ${JSON.stringify(shellQuote(program.argv))}`,
      `    autostart: ${program.autostart}`,
      ...(program.schedule === undefined ? ['    autorestart: always'] : [`    schedule: ${JSON.stringify(program.schedule)}`, '    autorestart: never']),
      '    starttime: 0',
      '    startretries: 3',
      // The restart workload kills a fresh child over and over: a crash loop by the defaults; off, as PM2's limits are.
      '    crash_loop: false',
      '    stoptime: 10',
      `    stdout: ${program.stdoutFile === null ? 'discard' : JSON.stringify(program.stdoutFile)}`,
      // No rotation, as supervisord's stdout_logfile_maxbytes=0 and PM2 without pm2-logrotate.
      ...(program.rotate ? [] : ['    stdout_maxbytes: 0']),
      '    stderr: discard',
    );
  }
  return `${lines.join('\n')}\n`;
}

async function api<T>(socket: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  // Taskmaster refuses a POST that is not JSON, even an empty one.
  const response = await unixHttp(socket, method, path, body === undefined && method === 'GET' ? undefined : JSON.stringify(body ?? {}));
  if (response.status !== 200) throw new Error(`taskmaster ${method} ${path} answered ${response.status}: ${response.body.slice(0, 300)}`);
  return JSON.parse(response.body) as T;
}

interface StatusBody {
  processes: { name: string; state: string; pid: number | null }[];
}

/** Taskmaster's session also exposes its socket, for the event stream. */
export interface TaskmasterSession extends Session {
  readonly socketPath: string;
}

export class TaskmasterTool implements Tool {
  readonly name = 'taskmaster';

  constructor(private readonly cleanup: Cleanup) {}

  async prepare(): Promise<string> {
    const { stdout } = await runChecked(process.execPath, [taskmasterBin, '--version']);
    return stdout.trim().replace(/^taskmaster\s*/, '');
  }

  async launch(programs: readonly ProgramSpec[], label: string): Promise<TaskmasterSession> {
    const dir = await this.cleanup.makeTempDir(`taskmaster-${label}`);
    const configFile = join(dir, 'taskmaster.yaml');
    const socket = join(dir, 'taskmaster.sock');
    await writeFile(configFile, configYaml(dir, programs));
    const args = [taskmasterBin, '-c', configFile, '--no-shell', '-s', socket, '-l', join(dir, 'taskmaster.log')];
    const { pid, close } = this.cleanup.launchSupervisor(`taskmaster ${label}`, process.execPath, args, join(dir, 'stderr.log'), 30_000);
    await waitUntil(() => unixHttp(socket, 'GET', '/v1/pid').then(() => true, () => false), 'the taskmaster socket', 15_000);

    const ctl = (...args: string[]) => runCommand(process.execPath, [taskmasterctlBin, '-s', socket, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    const session: TaskmasterSession = {
      tool: 'taskmaster',
      supervisorPid: pid,
      socketPath: socket,
      rows: async (): Promise<ProcessRow[]> => {
        const body = await api<StatusBody>(socket, 'GET', '/v1/status');
        return body.processes.map((row) => ({ name: row.name, running: row.state === 'RUNNING', pid: row.pid }));
      },
      startAll: async () => {
        const outcome = await ctl('start', 'all');
        if (outcome.code !== 0) throw new Error(`taskmasterctl start all exited ${outcome.code}: ${outcome.stderr.slice(-500)}`);
      },
      stopAll: async () => {
        const outcome = await ctl('stop', 'all');
        if (outcome.code !== 0) throw new Error(`taskmasterctl stop all exited ${outcome.code}: ${outcome.stderr.slice(-500)}`);
      },
      cliStatus: async () => {
        const outcome = await ctl('status');
        if (outcome.code !== 0 && outcome.code !== 3) throw new Error(`taskmasterctl status exited ${outcome.code}: ${outcome.stderr}`);
      },
      cliStart: async (name) => {
        const outcome = await ctl('start', name);
        if (outcome.code !== 0) throw new Error(`taskmasterctl start ${name} exited ${outcome.code}: ${outcome.stderr}`);
      },
      cliStop: async (name) => {
        const outcome = await ctl('stop', name);
        if (outcome.code !== 0) throw new Error(`taskmasterctl stop ${name} exited ${outcome.code}: ${outcome.stderr}`);
      },
      reload: async (next) => {
        await writeFile(configFile, configYaml(dir, next));
        await api(socket, 'POST', '/v1/reload');
      },
      close,
    };
    await waitAllRunning(session, programs.filter((program) => program.autostart).map((program) => program.name), 120_000);
    return session;
  }
}
