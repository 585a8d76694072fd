import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { answers, makeTempDir, run, statusOf, taskmasterBin, waitFor } from '../helpers.js';
import { supervisorctlBin } from '../supervisorctl.js';

// One file for both, as on a supervisord server: taskmaster reads it as supervisord, supervisorctl finds its server in it.
const iniConfig = `[unix_http_server]
file=%(here)s/supervisor.sock

[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%(here)s/supervisor.sock

[program:web]
command=/bin/sh -c 'while true; do echo hello from web; sleep 0.2; done'
startsecs=0

[program:worker]
command=/bin/sleep 1000
process_name=%(program_name)s_%(process_num)02d
numprocs=2
startsecs=0

[program:idle]
command=/bin/sleep 1000
autostart=false
startsecs=0
`;

describe('the real supervisorctl, reading the same supervisord.conf as the Taskmaster it drives', () => {
  it('status, start, stop, restart by name and group, tail, reread, update, shutdown', async (t) => {
    const dir = await makeTempDir('tm-ctl-ini-');
    const file = join(dir, 'supervisord.conf');
    await writeFile(file, iniConfig);
    const taskmaster = spawn(process.execPath, [taskmasterBin, '-c', file, '-n'], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => taskmaster.once('exit', (code) => resolve(code)));
    t.after(async () => {
      if (taskmaster.exitCode === null) taskmaster.kill('SIGTERM');
      await exited;
    });
    const socket = join(dir, 'supervisor.sock');
    const ctl = (...args: string[]) => run(supervisorctlBin, ['-c', file, ...args], { timeoutMs: 60_000 });
    await waitFor(() => answers(socket), 'the socket to answer', 30_000);
    await waitFor(async () => (await statusOf(socket)).filter((entry) => entry.state === 'RUNNING').length === 3, 'web and both workers running', 30_000);

    const status = await ctl('status');
    assert.equal(status.code, 3, status.stdout);
    assert.match(status.stdout, /^idle\s+STOPPED\s+Not started$/m);
    assert.match(status.stdout, /^web\s+RUNNING\s+pid \d+, uptime \d+:\d\d:\d\d$/m);
    assert.match(status.stdout, /^worker:worker_00\s+RUNNING\s+pid \d+/m);
    assert.match(status.stdout, /^worker:worker_01\s+RUNNING\s+pid \d+/m);

    assert.deepEqual([(await ctl('start', 'idle')).stdout], ['idle: started\n']);
    const stopped = await ctl('stop', 'worker:*');
    assert.equal(stopped.stdout, 'worker:worker_00: stopped\nworker:worker_01: stopped\n');
    const started = await ctl('start', 'worker:*');
    assert.equal(started.stdout, 'worker:worker_00: started\nworker:worker_01: started\n');
    assert.equal((await ctl('restart', 'web')).stdout, 'web: stopped\nweb: started\n');
    const bad = await ctl('status', 'nosuch');
    assert.equal(bad.code, 4);

    const tail = await ctl('tail', 'web');
    assert.equal(tail.code, 0);
    assert.match(tail.stdout, /hello from web/);
    const maintail = await ctl('maintail');
    assert.match(maintail.stdout, /spawned: 'web' with pid \d+/);

    // A program added to the file: reread names it, update starts it and leaves the others alone.
    const webPid = (await statusOf(socket)).find((entry) => entry.name === 'web')!.pid;
    await appendFile(file, '\n[program:extra]\ncommand=/bin/sleep 1000\nstartsecs=0\n');
    const reread = await ctl('reread');
    assert.match(reread.stdout, /^extra: available$/m);
    const update = await ctl('update');
    assert.match(update.stdout, /^extra: added process group$/m);
    await waitFor(async () => (await statusOf(socket)).find((entry) => entry.name === 'extra')?.state === 'RUNNING', 'extra running', 30_000);
    assert.equal((await statusOf(socket)).find((entry) => entry.name === 'web')!.pid, webPid);

    // And taken out again: update stops and removes it.
    await writeFile(file, (await readFile(file, 'utf8')).replace(/\n\[program:extra\][^]*$/, '\n'));
    const removed = await ctl('update');
    assert.match(removed.stdout, /^extra: stopped\nextra: removed process group$/m);
    assert.equal((await statusOf(socket)).some((entry) => entry.name === 'extra'), false);

    const shutdown = await ctl('shutdown');
    assert.match(shutdown.stdout, /Shut down/);
    assert.equal(await exited, 0);
  });
});
