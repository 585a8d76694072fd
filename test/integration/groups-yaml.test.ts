import assert from 'node:assert/strict';
import { get } from 'node:http';
import { describe, it } from 'node:test';
import { ctl, RunningTaskmaster, waitFor } from '../helpers.js';

const config = (backCmd: string): string => `programs:
  front: { cmd: "sleep 1000", starttime: 0, group: api }
  back: { cmd: "${backCmd}", starttime: 0, group: api, numprocs: 2 }
  solo: { cmd: "sleep 1000", starttime: 0 }
`;

function metricsOf(socketPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ socketPath, path: '/metrics' }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text));
    }).on('error', reject);
  });
}

const firstWords = (text: string): string[] => text.split('\n').filter((line) => line !== '').map((line) => line.split(/\s+/).slice(0, 2).join(' '));

describe('the group key in a YAML config, through taskmasterctl', () => {
  it('names processes group:process, starts and stops group:*, and a reload restarts only the changed member', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, config('sleep 1000'));
    await waitFor(async () => (await tm.status()).filter((entry) => entry.state === 'RUNNING').length === 4, 'four processes running', 30_000);
    const status = await ctl(tm.socket, 'status');
    assert.deepEqual(firstWords(status.stdout), ['api:back_00 RUNNING', 'api:back_01 RUNNING', 'api:front RUNNING', 'solo RUNNING']);
    assert.deepEqual((await tm.status()).map((entry) => entry.group), ['api', 'api', 'api', 'solo']);

    const stopped = await ctl(tm.socket, 'stop', 'api:*');
    assert.equal(stopped.code, 0, stopped.stdout + stopped.stderr);
    assert.deepEqual((await tm.status()).filter((entry) => entry.state === 'RUNNING').map((entry) => entry.name), ['solo']);
    const groupStatus = await ctl(tm.socket, 'status', 'api:*');
    assert.equal(groupStatus.code, 3);
    assert.deepEqual(firstWords(groupStatus.stdout), ['api:back_00 STOPPED', 'api:back_01 STOPPED', 'api:front STOPPED']);
    assert.equal((await ctl(tm.socket, 'start', 'api')).code, 0);
    await waitFor(async () => (await tm.status()).every((entry) => entry.state === 'RUNNING'), 'the group running again', 30_000);
    assert.equal((await ctl(tm.socket, 'stop', 'api:back_01')).code, 0);
    assert.equal((await tm.process('api:back_01')).state, 'STOPPED');
    assert.equal((await ctl(tm.socket, 'start', 'back_01')).code, 0, 'a lone process name needs no group');
    await tm.waitForState('api:back_01', 'RUNNING');

    const metrics = await metricsOf(tm.socket);
    assert.match(metrics, /^taskmaster_process_state\{name="api:front",group="api",state="RUNNING"\} 1$/m);

    // Only back changes: front and solo keep their pids.
    const before = new Map((await tm.status()).map((entry) => [entry.name, entry.pid]));
    await tm.rewriteConfig(config('sleep 1001'));
    assert.equal((await ctl(tm.socket, 'reload')).code, 0);
    await waitFor(async () => {
      const after = await tm.status();
      return after.filter((entry) => entry.name.startsWith('api:back')).every((entry) => entry.state === 'RUNNING' && entry.pid !== before.get(entry.name));
    }, 'back to restart', 30_000);
    const after = new Map((await tm.status()).map((entry) => [entry.name, entry.pid]));
    assert.equal(after.get('api:front'), before.get('api:front'));
    assert.equal(after.get('solo'), before.get('solo'));
  });
});
