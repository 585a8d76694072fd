#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import { configQuietMs, watchConfigFile } from '../config/watch-config-file.js';
import { Supervisor } from '../engine/supervisor.js';
import { VERSION } from '../version.js';
import { localApi, startControlServer, type ControlServer } from '../control/control-server.js';
import { runShell } from '../control/shell.js';
import { daemonize } from './daemonize.js';
import { killOrphans } from '../engine/orphans.js';

const usage = `Usage: taskmaster -c FILE [options]

Starts the programs of FILE, keeps them alive as configured, and logs every event.

Options:
  -c, --config FILE    config file (YAML or JSON) [default: ./taskmaster.yaml]
  -l, --logfile PATH   event log file (overrides logfile in the config)
  -s, --socket PATH    control socket (overrides socket in the config)
      --check          validate the config, print any errors, and exit 0 or 1
      --no-shell       run without the interactive shell, logging events to stderr
  -d, --daemon         detach into the background
      --pidfile PATH   write the supervisor's pid to PATH
  -h, --help           show this help
  -v, --version        show the version

Signals: SIGHUP reloads the config, SIGTERM or SIGINT stops everything and exits.`;

async function main(): Promise<number> {
  let options;
  try {
    options = parseArgs({
      options: {
        config: { type: 'string', short: 'c' },
        logfile: { type: 'string', short: 'l' },
        socket: { type: 'string', short: 's' },
        check: { type: 'boolean' },
        'no-shell': { type: 'boolean' },
        daemon: { type: 'boolean', short: 'd' },
        pidfile: { type: 'string' },
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
  const overrides = { logFile: options.logfile, socket: options.socket };
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
  if (options.check) {
    process.stdout.write(`${configFile}: OK, ${config.programs.size} program${config.programs.size === 1 ? '' : 's'}\n`);
    return 0;
  }
  if (options.daemon) {
    return daemonize(process.argv.slice(2));
  }

  const supervisor = new Supervisor(config, overrides);
  let server: ControlServer;
  try {
    server = await startControlServer(supervisor, config.socket, config.http);
  } catch (error) {
    process.stderr.write(`taskmaster: ${(error as Error).message}\n`);
    supervisor.log.close();
    return 1;
  }
  if (options.pidfile) {
    try {
      await server.writePidFile(options.pidfile);
    } catch (error) {
      process.stderr.write(`taskmaster: cannot write pidfile: ${(error as Error).message}\n`);
      await server.close();
      supervisor.log.close();
      return 1;
    }
  }
  // We own the socket now, so whatever still carries it was left by a supervisor that died.
  const orphans = killOrphans(config.socket);
  if (orphans.length > 0) {
    supervisor.log.warn(`killed ${orphans.length} process${orphans.length === 1 ? '' : 'es'} left behind by a previous taskmaster on ${config.socket}: ${orphans.join(', ')}`, { event: 'orphans_killed' });
  }
  // Nobody may be reading our stderr (a daemon, a closed terminal): never die of EPIPE on it.
  process.stderr.on('error', () => {});
  // Started by --daemon: tell the waiting parent that the socket is up, then cut the channel.
  const daemonized = process.send !== undefined;
  if (process.send) {
    process.send({ ready: true });
    process.disconnect();
  }

  const useShell = !options['no-shell'] && process.stdin.isTTY === true && process.stdout.isTTY === true;
  supervisor.log.mirrorToStderr = !useShell && !daemonized;

  process.on('uncaughtException', (error) => {
    supervisor.log.error(`internal error, supervision goes on: ${error.stack ?? error.message}`);
    supervisor.log.flush();
  });
  // Lines of the last turn are written even if something calls process.exit early.
  process.on('exit', () => supervisor.log.flush());
  process.on('unhandledRejection', (reason) => {
    supervisor.log.error(`internal error, supervision goes on: ${String((reason as Error)?.stack ?? reason)}`);
  });

  const finished = new Promise<void>((resolve) => supervisor.once('shutdown', resolve));
  const shutdown = (why: string): void => {
    if (!supervisor.isShuttingDown) supervisor.log.info(why);
    void supervisor.shutdown();
  };
  process.on('SIGTERM', () => shutdown('received SIGTERM indicating exit request'));
  process.on('SIGINT', () => shutdown('received SIGINT indicating exit request'));
  process.on('SIGHUP', () => {
    supervisor.log.info('received SIGHUP indicating reload request');
    void supervisor.reload();
  });
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

  supervisor.startAutostart();
  if (useShell) {
    void runShell(localApi(supervisor), { inProcess: true }).then(() => {
      process.stdout.write('leaving the shell: stopping every process and exiting\n');
      shutdown('shell closed, shutting down');
    });
  }
  await finished;
  watcher?.close();
  await server.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`taskmaster: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
