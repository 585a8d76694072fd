import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cleanup } from '../lib/cleanup.js';
import { waitUntil } from '../lib/deadline.js';
import { runChecked } from '../lib/run-command.js';
import { waitAllRunning, type ProcessRow, type ProgramSpec, type Session, type Tool } from './session.js';

/** Pinned so that a rerun measures the same PM2. */
const pm2Package = 'pm2@7.0.4';

interface Pm2App {
  name: string;
  pid: number;
  pm2_env?: { status?: string };
}

/** The same settings as Taskmaster's config; PM2's crash-loop guard is lifted so that 200 kills in a row are all restarted. */
function ecosystem(programs: readonly ProgramSpec[]): string {
  const apps = programs.map((program) => ({
    name: program.name,
    script: program.argv[0],
    args: program.argv.slice(1),
    interpreter: 'none',
    exec_mode: 'fork',
    autorestart: true,
    max_restarts: 1_000_000,
    min_uptime: 0,
    restart_delay: 0,
    kill_timeout: 10_000,
    out_file: program.stdoutFile ?? '/dev/null',
    error_file: '/dev/null',
    merge_logs: true,
    time: false,
    watch: false,
    pmx: false,
    vizion: false,
    automation: false,
  }));
  return JSON.stringify({ apps }, null, 1);
}

export class Pm2Tool implements Tool {
  readonly name = 'pm2';
  private pm2Bin: string | null = null;

  constructor(private readonly cleanup: Cleanup) {}

  /** Installs PM2 from npm into a temp prefix, so the project gains no dependency. */
  async prepare(): Promise<string> {
    const prefix = await this.cleanup.makeTempDir('pm2-install');
    await runChecked('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', '--loglevel=error', pm2Package], { timeoutMs: 240_000 });
    const manifest = JSON.parse(await readFile(join(prefix, 'node_modules', 'pm2', 'package.json'), 'utf8')) as { version: string };
    this.pm2Bin = join(prefix, 'node_modules', 'pm2', 'bin', 'pm2');
    return manifest.version;
  }

  async launch(programs: readonly ProgramSpec[], label: string): Promise<Session> {
    const pm2Bin = this.pm2Bin;
    if (pm2Bin === null) throw new Error('PM2 is not installed: call prepare() first');
    const autostart = programs.filter((program) => program.autostart);
    if (autostart.length !== 0 && autostart.length !== programs.length) throw new Error('PM2 sessions start all programs or none');
    const dir = await this.cleanup.makeTempDir(`pm2-${label}`);
    const home = join(dir, 'home');
    const ecosystemFile = join(dir, 'ecosystem.json');
    await writeFile(ecosystemFile, ecosystem(programs));
    const env = { ...process.env, PM2_HOME: home };
    const pm2 = (...args: string[]) => runChecked(process.execPath, [pm2Bin, ...args], { env, timeoutMs: 180_000 });

    let closed = false;
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      await pm2('kill');
    };
    this.cleanup.onClose(`pm2 ${label}`, close);
    await pm2('ping');
    const godPid = await waitUntil(async () => Number((await readFile(join(home, 'pm2.pid'), 'utf8').catch(() => '')).trim()) || null, 'the PM2 daemon pid file', 15_000);
    this.cleanup.trackPid(godPid);

    let registered = false;
    const session: Session = {
      tool: 'pm2',
      supervisorPid: godPid,
      rows: async (): Promise<ProcessRow[]> => {
        const { stdout } = await pm2('jlist');
        const apps = JSON.parse(stdout.slice(stdout.indexOf('['))) as Pm2App[];
        return apps.map((app) => ({ name: app.name, running: app.pm2_env?.status === 'online', pid: app.pid || null }));
      },
      startAll: async () => {
        // PM2 knows no program until it is first started from the ecosystem file.
        await (registered ? pm2('start', 'all') : pm2('start', ecosystemFile));
        registered = true;
      },
      stopAll: async () => {
        await pm2('stop', 'all');
      },
      cliStatus: async () => {
        await pm2('jlist');
      },
      cliStart: async (name) => {
        await pm2('start', name);
      },
      cliStop: async (name) => {
        await pm2('stop', name);
      },
      reload: null,
      close,
    };
    if (autostart.length > 0) {
      await session.startAll();
      await waitAllRunning(session, autostart.map((program) => program.name), 180_000);
    }
    return session;
  }
}
