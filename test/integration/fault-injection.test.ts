import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { it } from 'node:test';
import { isAlive, RunningTaskmaster, waitFor } from '../helpers.js';

/** How long signals rain on the children; the whole test stays around a minute. */
const chaosMs = 45_000;
const signals = ['SIGKILL', 'SIGTERM', 'SIGSEGV'] as const;

interface Row {
  name: string;
  state: string;
  pid: number | null;
}

/** Status straight from the API over the socket: cheaper than a taskmasterctl per poll. */
function status(socketPath: string): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ socketPath, path: '/v1/status', method: 'GET' }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (text: string) => (body += text));
      response.on('end', () => {
        try {
          resolve((JSON.parse(body) as { processes: Row[] }).processes);
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

interface ProcEntry {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
  /** Clock ticks after boot: with the pid, it names one process even after the pid is reused. */
  startTicks: number;
}

/** Every process on the machine, from /proc/PID/stat. */
function processTable(): ProcEntry[] {
  const entries: ProcEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      entries.push({ pid: Number(name), state: fields[0]!, ppid: Number(fields[1]), pgid: Number(fields[2]), startTicks: Number(fields[19]) });
    } catch {
      // Gone between the listing and the read.
    }
  }
  return entries;
}

const fdCount = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;
const rssKb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

it('survives a minute of random SIGKILL, SIGTERM and SIGSEGV to its children: no zombie, no leak, no lie', { timeout: 150_000 }, async (t) => {
  const tm = await RunningTaskmaster.start(`
programs:
  plain: { cmd: "sleep 1000", numprocs: 10, starttime: 0, autorestart: always, crash_loop: false }
  looping: { cmd: "sleep 1000", numprocs: 5, starttime: 0, autorestart: always, crash_loop: { quick_exit: 2s, burst: 1, delay: 100ms, max_delay: 800ms } }
  parents: { cmd: "sh -c 'sleep 1000 & wait'", numprocs: 3, starttime: 0, autorestart: always, crash_loop: false }
  slow: { cmd: "sh -c 'sleep 0.3; exec sleep 1000'", numprocs: 2, starttime: 0.2, startretries: 1000, autorestart: unexpected, crash_loop: false }
`);
  const supervisorPid = tm.child.pid!;
  // Every child leads its own process group: what is left in the group of a dead one escaped.
  const groupsEverSeen = new Map<number, number>();
  /** In the group of one of our children (its leader dead, or alive and not a reused pid). */
  const inOurGroup = (entry: ProcEntry, table: readonly ProcEntry[]): boolean => {
    const leaderStart = groupsEverSeen.get(entry.pgid);
    if (leaderStart === undefined) return false;
    const leader = table.find((candidate) => candidate.pid === entry.pgid);
    return leader === undefined || leader.startTicks === leaderStart;
  };
  const allRunning = async (): Promise<Row[] | undefined> => {
    const rows = await status(tm.socket);
    return rows.length === 20 && rows.every((row) => row.state === 'RUNNING') ? rows : undefined;
  };
  try {
    await waitFor(allRunning, 'all 20 processes RUNNING', 30_000);
    const fdsBefore = fdCount(supervisorPid);
    const rssBeforeKb = rssKb(supervisorPid);
    const signalledAt = new Map<number, number>();
    let sent = 0;
    const endAt = Date.now() + chaosMs;
    while (Date.now() < endAt) {
      const rows = await status(tm.socket);
      const now = Date.now();
      const table = processTable();
      for (const row of rows) {
        const entry = row.pid === null || groupsEverSeen.has(row.pid) ? undefined : table.find((candidate) => candidate.pid === row.pid);
        if (entry) groupsEverSeen.set(entry.pid, entry.startTicks);
      }
      for (const row of rows) {
        if (row.state !== 'RUNNING' || row.pid === null) continue;
        // A pid we signalled a moment ago may be dying; any other RUNNING pid must be alive.
        const signalled = signalledAt.get(row.pid);
        if (signalled === undefined) assert.ok(isAlive(row.pid), `${row.name} is RUNNING with pid ${row.pid}, which is dead`);
        else assert.ok(now - signalled < 3000 || isAlive(row.pid), `${row.name} still RUNNING with dead pid ${row.pid} 3 s after its signal`);
      }
      // Targets: the children, and now and then a grandchild they started.
      const children = rows.filter((row) => row.pid !== null).map((row) => row.pid!);
      const grandchildren = table.filter((entry) => children.includes(entry.ppid)).map((entry) => entry.pid);
      const targets = Math.random() < 0.2 && grandchildren.length > 0 ? grandchildren : children;
      const target = targets[Math.floor(Math.random() * targets.length)];
      if (target !== undefined) {
        const signal = signals[Math.floor(Math.random() * signals.length)]!;
        try {
          process.kill(target, signal);
          signalledAt.set(target, Date.now());
          sent += 1;
        } catch {
          // It ended on its own in between.
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 150));
    }
    assert.ok(sent > 100, `only ${sent} signals sent`);

    const rows = await waitFor(allRunning, 'all 20 processes RUNNING again after the storm', 30_000);
    for (const row of rows) assert.ok(isAlive(row.pid!), `${row.name} RUNNING with dead pid ${row.pid}`);
    await waitFor(() => !processTable().some((entry) => entry.ppid === supervisorPid && entry.state === 'Z'), 'no zombie child of the supervisor', 5000);
    // Nothing escaped: no live process is left in the group of a child that died (a zombie
    // grandchild belongs to init, which reaps it in its own time).
    const groups = new Set(rows.map((row) => row.pid));
    const finalTable = processTable();
    const strays = finalTable.filter((entry) => entry.state !== 'Z' && inOurGroup(entry, finalTable) && !groups.has(entry.pgid));
    assert.deepEqual(strays, [], 'processes left outside every supervised group');
    const fdsAfter = fdCount(supervisorPid);
    assert.ok(fdsAfter <= fdsBefore + 4, `descriptors grew from ${fdsBefore} to ${fdsAfter}`);
    const rssAfterKb = rssKb(supervisorPid);
    assert.ok(rssAfterKb < rssBeforeKb + 60 * 1024, `RSS grew from ${rssBeforeKb} kB to ${rssAfterKb} kB`);
    t.diagnostic(`${sent} signals; descriptors ${fdsBefore} -> ${fdsAfter}; RSS ${rssBeforeKb} -> ${rssAfterKb} kB`);
  } finally {
    // A supervisor that lost track of a child could wait for it forever: a deadline, then SIGKILL.
    const deadline = setTimeout(() => tm.child.kill('SIGKILL'), 30_000);
    await tm.stop();
    clearTimeout(deadline);
    const table = processTable();
    for (const entry of table) {
      try {
        if (inOurGroup(entry, table)) process.kill(entry.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
});
