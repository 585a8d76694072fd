import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { it } from 'node:test';
import { ctl, isAlive, makeTempDir, taskmasterBin, waitFor } from '../helpers.js';

/** Descriptors the supervisor may hold: a little over what it needs at rest (about 30). */
const descriptorLimit = 64;
/** Connections the flood may try in all, and how long it holds the descriptors. */
const maxConnectionAttempts = 3000;

/**
 * Keeps the supervisor out of descriptors through its control socket: idle connections it
 * accepted, and more attempts queued behind them that take any descriptor it frees.
 */
class SocketFlood {
  private readonly sockets = new Set<Socket>();
  attempts = 0;
  private running = true;

  constructor(private readonly path: string) {}

  fill(pending: number): void {
    while (this.running && this.sockets.size < pending && this.attempts < maxConnectionAttempts) {
      this.attempts += 1;
      const socket = connect(this.path);
      socket.on('error', () => {});
      // The supervisor drops what it cannot keep: one more attempt takes its place.
      socket.on('close', () => {
        this.sockets.delete(socket);
        setImmediate(() => this.fill(pending));
      });
      this.sockets.add(socket);
    }
  }

  release(): void {
    this.running = false;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}

it('respawns a process once descriptors free up after the supervisor ran out of them, never FATAL', { timeout: 90_000 }, async () => {
  const dir = await makeTempDir();
  const configFile = join(dir, 'taskmaster.yaml');
  const socketPath = join(dir, 'tm.sock');
  const logFile = join(dir, 'taskmaster.log');
  // One retry only: were EMFILE counted as a failed start, this would be FATAL within a second.
  await writeFile(configFile, 'programs:\n  victim: { cmd: "sleep 1000", starttime: 0, startretries: 1, autorestart: always, crash_loop: false }\n');
  const supervisor = spawn('prlimit', [`--nofile=${descriptorLimit}:${descriptorLimit}`, process.execPath, taskmasterBin, '-c', configFile, '--no-shell', '-s', socketPath, '-l', logFile], { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  let stderr = '';
  supervisor.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const flood = new SocketFlood(socketPath);
  const log = (): Promise<string> => readFile(logFile, 'utf8').catch(() => '');
  try {
    const pidOf = async (): Promise<number | null> => {
      const result = await ctl(socketPath, '--json', 'status', 'victim');
      if (result.code !== 0) return null;
      const [entry] = JSON.parse(result.stdout) as { state: string; pid: number | null }[];
      return entry?.state === 'RUNNING' ? entry.pid : null;
    };
    const victim = await waitFor(pidOf, 'victim RUNNING');
    const supervisorPid = supervisor.pid!;
    flood.fill(100);
    await waitFor(() => readdirSync(`/proc/${supervisorPid}/fd`).length >= descriptorLimit - 1, 'the supervisor out of descriptors');

    process.kill(victim, 'SIGKILL');
    await waitFor(async () => /spawnerr: .*EMFILE/.test(await log()), 'the EMFILE spawn error in the log');
    // Hold the flood over several retries; the process must never be given up on meanwhile.
    const heldUntil = Date.now() + 3000;
    await waitFor(async () => {
      assert.doesNotMatch(await log(), /gave up: victim|FATAL/);
      return Date.now() > heldUntil;
    }, 'three seconds of flood');
    assert.ok(isAlive(supervisorPid), `the supervisor died: ${stderr}`);

    flood.release();
    const replacement = await waitFor(pidOf, 'victim RUNNING again', 20_000);
    assert.notEqual(replacement, victim);
    assert.ok(isAlive(replacement));
    const final = await log();
    assert.doesNotMatch(final, /gave up: victim/);
    assert.match(final, /spawnerr: couldn't spawn sleep: taskmaster ran out of file descriptors \(EMFILE\); retrying in \d+ms, not counted against startretries/);
    assert.ok(flood.attempts <= maxConnectionAttempts);
  } finally {
    flood.release();
    if (supervisor.exitCode === null) supervisor.kill('SIGTERM');
    await waitFor(() => supervisor.exitCode !== null || supervisor.signalCode !== null, 'the supervisor to exit', 20_000);
  }
});
