#!/usr/bin/env node
// First: V8's heap settings apply only to what is allocated after them.
import './heap-tuning.js';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import { configQuietMs, watchConfigFile } from '../config/watch-config-file.js';
import { LocalApi } from '../api/local-api.js';
import { Supervisor } from '../api/supervisor.js';
import { VERSION } from '../version.js';
import { startControlServer, type ControlServer } from '../control/control-server.js';
import { daemonize } from './daemonize.js';
import { reclaimLeftovers } from '../engine/orphans.js';
import { leftoverRecordPath, LeftoverRecordWriter } from '../engine/leftover-record.js';
import { startChildReaper } from '../engine/child-reaper.js';
import { startHostIntegration } from '../host/host-integration.js';
import { formatIssue } from '../config/config-error.js';
import { detectConfigFileFormat } from '../config/ini/detect-config-format.js';

const usage = `Usage: taskmaster -c FILE [options]
       taskmaster export systemd|kubernetes|compose FILE [--out DIR]
       taskmaster install-service [-c FILE] [--out DIR]
       taskmaster convert FILE.conf

Starts the programs of FILE, keeps them alive as configured, and logs every event.

Options:
  -c, --config FILE    config file (YAML or JSON) [default: ./taskmaster.yaml]
  -l, --logfile PATH   event log file (overrides logfile in the config)
  -s, --socket PATH    control socket (overrides socket in the config)
      --check          validate the config, print any errors, and exit 0 or 1
      --no-shell       run without the interactive shell, logging events to stderr
  -d, --daemon         detach into the background
      --pidfile PATH   write the supervisor's pid to PATH
      --subreaper      adopt and reap what programs' processes orphan (double-forking daemons)
  -h, --help           show this help
  -v, --version        show the version

With a supervisord config (-c FILE.conf or .ini), supervisord's options mean what they mean
to supervisord: -n/--nodaemon, -d/--directory DIR, -u/--user, -m/--umask, -l/--logfile,
-y/--logfile_maxbytes, -z/--logfile_backups, -e/--loglevel, -j/--pidfile, -i/--identifier,
-q/--childlogdir, -k/--nocleanup, -a/--minfds, --minprocs, -t/--strip_ansi, -s/--silent;
without -n (or nodaemon=true) it detaches, as supervisord does.

Signals: SIGHUP reloads the config, SIGTERM or SIGINT stops everything and exits 0.`;

async function main(): Promise<number> {
  const subcommand = process.argv[2];
  // Loaded only when asked: the supervisor's start-up opens as few files as it can (it may start short of descriptors).
  if (subcommand === 'export' || subcommand === 'install-service') return (await import('../export/export-command.js')).runExportCommand(process.argv.slice(2));
  if (subcommand === 'convert') return (await import('./convert-command.js')).runConvertCommand(process.argv.slice(3));
  const configArgument = process.argv.slice(2).find((arg, index, args) => /^(-c|--config|--configuration)$/.test(args[index - 1] ?? '') || /^(-c|--config=|--configuration=)./.test(arg));
  // A supervisord config (by name or by content): the command line then means what supervisord's means.
  const iniMode = configArgument !== undefined && detectConfigFileFormat(configArgument.replace(/^(-c|--config=|--configuration=)/, '')) === 'ini';
  // supervisord's options and settings, loaded only for an INI config.
  const ini = iniMode ? await import('./supervisord-options.js') : undefined;
  let options;
  let supervisordSection: Record<string, string> | undefined;
  let silent = false;
  try {
    if (ini) {
      const parsed = ini.parseSupervisordArgs(process.argv.slice(2));
      ({ silent } = parsed);
      supervisordSection = parsed.section;
      options = { config: parsed.config, logfile: parsed.logfile, socket: parsed.socket, check: parsed.check, 'no-shell': parsed.noShell, subreaper: parsed.subreaper, help: parsed.help, version: parsed.version, daemon: false, pidfile: undefined };
    } else options = parseArgs({
      options: {
        config: { type: 'string', short: 'c' },
        logfile: { type: 'string', short: 'l' },
        socket: { type: 'string', short: 's' },
        check: { type: 'boolean' },
        'no-shell': { type: 'boolean' },
        daemon: { type: 'boolean', short: 'd' },
        pidfile: { type: 'string' },
        subreaper: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
      strict: true,
    }).values;
  } catch (error) {
    process.stderr.write(`taskmaster: ${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (options.version) {
    process.stdout.write(`taskmaster ${VERSION}\n`);
    return 0;
  }
  const configFile = options.config ?? 'taskmaster.yaml';
  const overrides = { logFile: options.logfile, socket: options.socket, supervisord: supervisordSection };
  let config;
  try {
    config = await loadConfig(configFile, overrides);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  for (const warning of config.supervisord?.warnings ?? []) process.stderr.write(`taskmaster: warning: ${formatIssue(warning)}\n`);
  if (options.check) {
    process.stdout.write(`${configFile}: OK, ${config.programs.size} program${config.programs.size === 1 ? '' : 's'}\n`);
    return 0;
  }
  if (options.daemon) {
    return daemonize(process.argv.slice(2));
  }
  // supervisord detaches unless told not to; the background copy is started with --nodaemon.
  if (ini && config.supervisord && !config.supervisord.nodaemon) return daemonize(ini.daemonChildArgs(process.argv.slice(2)));
  if (config.supervisord?.directory && process.send !== undefined) process.chdir(config.supervisord.directory);
  const privilegeError = ini?.applyProcessSettings(config);
  if (privilegeError) {
    process.stderr.write(`taskmaster: ${privilegeError}\n`);
    return 2;
  }
  // After the user switch, as supervisord does it: a limit only root may raise is refused to others.
  const minFds = config.supervisord ? ini?.applyMinFds(config.supervisord.minfds) : undefined;
  if (minFds && !minFds.ok) {
    process.stderr.write(`taskmaster: Error: ${minFds.error}\n`);
    return 2;
  }

  const supervisor = new Supervisor(config, overrides);
  if (minFds?.ok && minFds.info) supervisor.log.info(minFds.info);
  const api = new LocalApi(supervisor);
  // Signals are handled from here on, so one sent while leftovers are being stopped is never fatal.
  const finished = new Promise<void>((resolve) => supervisor.once('shutdown', resolve));
  const shutdown = (why: string): void => {
    if (!supervisor.isShuttingDown) supervisor.log.info(why);
    void supervisor.shutdown();
  };
  let started = false;
  let reloadPending = false;
  process.on('SIGTERM', () => shutdown('received SIGTERM indicating exit request'));
  process.on('SIGINT', () => shutdown('received SIGINT indicating exit request'));
  process.on('SIGHUP', () => {
    supervisor.log.info('received SIGHUP indicating reload request');
    // Before start-up ends, a reload could start programs while leftovers still hold their ports.
    if (started) void supervisor.reload();
    else reloadPending = true;
  });
  // Before anything spawns: the reaper must know every child Node itself waits for.
  const reaper = startChildReaper(options.subreaper === true, supervisor.log);
  let server: ControlServer;
  try {
    server = await startControlServer(api, supervisor.log, config.socket, config.http);
  } catch (error) {
    process.stderr.write(`taskmaster: ${(error as Error).message}\n`);
    supervisor.log.close();
    return 1;
  }
  const pidfile = options.pidfile ?? config.supervisord?.pidFile;
  if (pidfile) {
    try {
      ini?.applySocketSettings(config);
      await server.writePidFile(pidfile);
    } catch (error) {
      process.stderr.write(`taskmaster: cannot set up the socket or write pidfile: ${(error as Error).message}\n`);
      await server.close();
      supervisor.log.close();
      return 1;
    }
  }
  // As PID 1 nothing outlives us: the kernel ends the whole namespace when we die.
  const recordPath = process.pid === 1 ? null : leftoverRecordPath(config.file);
  if (recordPath === null) {
    if (process.pid !== 1) supervisor.log.warn('cannot keep a record of running processes (no private folder under /run, $XDG_RUNTIME_DIR or the temporary folder): leftovers of a crash will not be found');
  } else {
    // We own the socket now; whatever a dead supervisor of this config left is stopped, and its ports freed, before anything starts.
    const reclaimed = await reclaimLeftovers(recordPath, supervisor.log);
    if (reclaimed.kind === 'supervisor-alive') {
      process.stderr.write(`taskmaster: another taskmaster (pid ${reclaimed.pid}) is running ${config.file}; stop it first\n`);
      await server.close();
      supervisor.log.close();
      return 1;
    }
  }
  const record = recordPath === null ? null : new LeftoverRecordWriter(recordPath, config.file, (message) => supervisor.log.warn(message));
  if (record) supervisor.onProcessChange = (process) => record.note(process);
  if (record && reaper) reaper.onAdoptedChange = (pids) => record.noteAdopted(pids);
  // Nobody may be reading our stderr (a daemon, a closed terminal): never die of EPIPE on it.
  process.stderr.on('error', () => {});
  // Started by --daemon: tell the waiting parent that the socket is up, then cut the channel.
  const daemonized = process.send !== undefined;
  if (process.send) {
    process.send({ ready: true });
    process.disconnect();
  }

  const useShell = !iniMode && !options['no-shell'] && process.stdin.isTTY === true && process.stdout.isTTY === true;
  supervisor.log.mirrorToStderr = !useShell && !daemonized && !silent;

  process.on('uncaughtException', (error) => {
    supervisor.log.error(`internal error, supervision goes on: ${error.stack ?? error.message}`);
    supervisor.log.flush();
  });
  // Lines of the last turn are written even if something calls process.exit early.
  process.on('exit', () => supervisor.log.flush());
  process.on('unhandledRejection', (reason) => {
    supervisor.log.error(`internal error, supervision goes on: ${String((reason as Error)?.stack ?? reason)}`);
  });

  started = true;
  if (reloadPending) {
    supervisor.log.info('applying the reload requested during start-up');
    void supervisor.reload();
  }
  process.on('SIGUSR2', () => {
    supervisor.log.info('received SIGUSR2 indicating log reopen request');
    supervisor.reopenLogs();
  });

  const watcher = config.watchConfig
    ? watchConfigFile(
        config.file,
        () => {
          supervisor.log.info(`config file ${config.file} changed, reloading after ${configQuietMs} ms without writes`);
          void supervisor.reload();
        },
        (error) => supervisor.log.warn(`cannot watch config file: ${error.message}`),
      )
    : undefined;

  // Before the first spawn, so the log says first that it runs under systemd or in a SLURM job.
  const host = await startHostIntegration(supervisor, { daemonized });
  // Loaded apart from the rest and before the first spawn: a start-up short of descriptors opens fewer files at once.
  const shell = useShell ? await import('../control/shell.js') : null;
  supervisor.startAutostart();
  if (shell) {
    void shell.runShell(api, { inProcess: true }).then(() => {
      process.stdout.write('leaving the shell: stopping every process and exiting\n');
      shutdown('shell closed, shutting down');
    });
  }
  await finished;
  host.close();
  watcher?.close();
  // Adopted orphans outlive no supervisor; as PID 1 the kernel would kill them anyway.
  await reaper?.stopAdopted(5_000);
  reaper?.close();
  await record?.close();
  await server.close();
  supervisor.log.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`taskmaster: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
