import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { answers, makeTempDir, run, statusOf, waitFor, taskmasterBin } from '../helpers.js';
import { supervisorctlBin } from '../supervisorctl.js';

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

[group:api]
programs=front,back
priority=100

[program:front]
command=/bin/sleep 1000
startsecs=0

[program:back]
command=/bin/sleep 1001
startsecs=0

[program:pool]
command=/bin/sleep 1000
numprocs=2
process_name=%(program_name)s-%(process_num)d
startsecs=0

[program:solo]
command=/bin/sleep 1000
startsecs=0
`;

const sortedLines = (text: string): string[] => text.split('\n').filter((line) => line !== '').sort();

describe('groups of several programs, driven by the real supervisorctl', () => {
  it('status, start, stop and restart group:*, group:name and a free-form numprocs section; add, remove and update a group', async (t) => {
    const dir = await makeTempDir('tm-ctl-groups-');
    const file = join(dir, 'supervisord.conf');
    await writeFile(file, iniConfig);
    const taskmaster = spawn(process.execPath, [taskmasterBin, '-c', file, '-n'], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => taskmaster.once('exit', (code) => resolve(code)));
    t.after(async () => {
      if (taskmaster.exitCode === null) taskmaster.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    });
    const socket = join(dir, 'supervisor.sock');
    const ctl = (...args: string[]) => run(supervisorctlBin, ['-c', file, ...args], { timeoutMs: 60_000 });
    const running = async (): Promise<Map<string, number | null>> => new Map((await statusOf(socket)).filter((entry) => entry.state === 'RUNNING').map((entry) => [entry.name, entry.pid]));
    await waitFor(() => answers(socket), 'the socket to answer', 30_000);
    await waitFor(async () => (await running()).size === 5, 'five processes running', 30_000);

    const status = await ctl('status');
    assert.equal(status.code, 0, status.stdout);
    assert.deepEqual(sortedLines(status.stdout).map((line) => line.split(/\s+/).slice(0, 2).join(' ')), ['api:back RUNNING', 'api:front RUNNING', 'pool:pool-0 RUNNING', 'pool:pool-1 RUNNING', 'solo RUNNING']);
    const groupStatus = await ctl('status', 'api:*');
    assert.deepEqual(sortedLines(groupStatus.stdout).map((line) => line.split(/\s+/)[0]), ['api:back', 'api:front']);

    assert.deepEqual(sortedLines((await ctl('stop', 'api:*')).stdout), ['api:back: stopped', 'api:front: stopped']);
    assert.deepEqual([...(await running()).keys()].sort(), ['pool:pool-0', 'pool:pool-1', 'solo']);
    assert.deepEqual(sortedLines((await ctl('start', 'api:*')).stdout), ['api:back: started', 'api:front: started']);
    const backPid = (await running()).get('api:back');
    assert.equal((await ctl('restart', 'api:front')).stdout, 'api:front: stopped\napi:front: started\n');
    assert.equal((await running()).get('api:back'), backPid, 'restart api:front leaves api:back alone');
    assert.deepEqual(sortedLines((await ctl('stop', 'pool:*')).stdout), ['pool:pool-0: stopped', 'pool:pool-1: stopped']);
    assert.deepEqual(sortedLines((await ctl('start', 'pool:pool-1')).stdout), ['pool:pool-1: started']);
    assert.equal((await ctl('status', 'pool:pool-0')).code, 3);

    const avail = await ctl('avail');
    assert.match(avail.stdout, /^api:front\s+in use\s+auto\s+100:100$/m);
    assert.match(avail.stdout, /^pool:pool-0\s+in use\s+auto\s+999:999$/m);

    // remove and add act on every program of the group.
    assert.equal((await ctl('remove', 'api')).stdout, 'ERROR: process/group still running: api\n');
    await ctl('stop', 'api:*');
    assert.equal((await ctl('remove', 'api')).stdout, 'api: removed process group\n');
    assert.deepEqual((await statusOf(socket)).filter((entry) => entry.group === 'api'), []);
    assert.equal((await ctl('add', 'api')).stdout, 'api: added process group\n');
    await waitFor(async () => (await running()).has('api:front') && (await running()).has('api:back'), 'the added group running', 30_000);

    // A changed member: reread and update name the group; solo keeps its pid.
    const soloPid = (await running()).get('solo');
    await writeFile(file, (await readFile(file, 'utf8')).replace('/bin/sleep 1001', '/bin/sleep 1002'));
    assert.match((await ctl('reread')).stdout, /^api: changed$/m);
    assert.equal((await ctl('update')).stdout, 'api: stopped\napi: updated process group\n');
    await waitFor(async () => (await running()).has('api:front') && (await running()).has('api:back'), 'the updated group running', 30_000);
    assert.equal((await running()).get('solo'), soloPid);

    // A group taken out of the file: update stops and removes all its programs.
    await writeFile(file, (await readFile(file, 'utf8')).replace('[group:api]\nprograms=front,back\n', '[group:api]\nprograms=front\n').replace(/\[program:back\][^[]*/, ''));
    assert.equal((await ctl('update')).stdout, 'api: stopped\napi: updated process group\n');
    await waitFor(async () => (await running()).has('api:front'), 'api:front running again', 30_000);
    assert.deepEqual((await statusOf(socket)).filter((entry) => entry.group === 'api').map((entry) => entry.name), ['api:front']);
    await writeFile(file, (await readFile(file, 'utf8')).replace(/\[group:api\][^[]*\[program:front\][^[]*/, ''));
    assert.equal((await ctl('update')).stdout, 'api: stopped\napi: removed process group\n');
    assert.deepEqual([...(await running()).keys()].sort(), ['pool:pool-1', 'solo']);

    assert.match((await ctl('shutdown')).stdout, /Shut down/);
    assert.equal(await exited, 0);
  });
});
