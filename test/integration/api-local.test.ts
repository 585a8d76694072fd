import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { LocalApi } from '../../src/api/local-api.js';
import { Supervisor } from '../../src/api/supervisor.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { SupervisorEvent } from '../../src/contracts/process-events.js';
import { makeTempDir, waitFor } from '../helpers.js';

/** A supervisor in this process, on a config in a fresh folder; shut down after the test. */
async function startInProcess(t: TestContext, yaml: string): Promise<{ supervisor: Supervisor; api: LocalApi; dir: string; configFile: string }> {
  const dir = await makeTempDir('tm-api-');
  const configFile = join(dir, 'taskmaster.yaml');
  await writeFile(configFile, yaml);
  const supervisor = new Supervisor(await loadConfig(configFile, { socket: join(dir, 'unused.sock') }));
  t.after(() => supervisor.shutdown());
  supervisor.startAutostart();
  return { supervisor, api: new LocalApi(supervisor), dir, configFile };
}

describe('the in-process API', () => {
  it('sends a change that happens right after a watcher joins after the snapshot, not never', async (t) => {
    const { supervisor, api } = await startInProcess(t, 'programs:\n  a: { cmd: "sleep 30", autostart: false, starttime: 0 }\n');
    const events: SupervisorEvent[] = [];
    const controller = new AbortController();
    const watching = api.watchEvents((event) => events.push(event), controller.signal);
    // Before the watcher's first await has returned: a snapshot taken before subscribing misses this.
    supervisor.table.find(['a'])[0]!.dispatch({ type: 'start' });
    await waitFor(() => events.some((event) => event.type === 'state' && event.process.state === 'RUNNING'), 'a RUNNING on the event stream');
    controller.abort();
    await watching;
    assert.equal(events[0]?.type, 'snapshot');
    const states = events.flatMap((event) => (event.type === 'state' ? [`${event.previous}->${event.process.state}`] : []));
    assert.deepEqual(states.slice(0, 2), ['STOPPED->STARTING', 'STARTING->RUNNING']);
  });

  it('puts nothing, not "null", in place of {port} in a hook of a program without a port', async (t) => {
    const dir = await makeTempDir('tm-api-port-');
    const { supervisor } = await startInProcess(t, `programs:\n  hooked:\n    cmd: "sleep 30"\n    starttime: 0\n    prestart: "sh -c 'echo [{port}] > ${dir}/port.txt'"\n`);
    await waitFor(() => supervisor.status(['hooked'])[0]?.state === 'RUNNING', 'hooked RUNNING');
    assert.equal((await readFile(join(dir, 'port.txt'), 'utf8')).trim(), '[]');
  });

  it('keeps an unchanged schedule across a reload (same jittered next run) and rebuilds a changed one', async (t) => {
    const job = (expression: string): string => `  yearly: { cmd: "true", schedule: "${expression}", jitter: 3600s }\n`;
    const { supervisor, configFile } = await startInProcess(t, `programs:\n${job('0 0 1 1 *')}`);
    const nextRun = (): number | null => supervisor.status(['yearly'])[0]!.nextRunAt;
    const before = nextRun();
    assert.ok(before !== null);
    await writeFile(configFile, `programs:\n${job('0 0 1 1 *')}  other: { cmd: "sleep 30", autostart: false }\n`);
    assert.equal((await supervisor.reload()).ok, true);
    assert.equal(nextRun(), before, 'an unrelated reload re-rolled the jitter of an unchanged schedule');
    await writeFile(configFile, `programs:\n${job('0 0 1 2 *')}`);
    assert.equal((await supervisor.reload()).ok, true);
    assert.notEqual(nextRun(), before);
  });

  it('logs a rejected reload once', async (t) => {
    const { supervisor, configFile, dir } = await startInProcess(t, 'programs:\n  a: { cmd: "sleep 30", autostart: false }\n');
    await writeFile(configFile, 'programs:\n  a: { cmd: 5 }\n');
    const result = await supervisor.reload();
    assert.equal(result.ok, false);
    supervisor.log.flush();
    const log = await readFile(join(dir, 'taskmaster.log'), 'utf8');
    assert.equal(log.split('\n').filter((line) => line.includes('reload rejected')).length, 1, log);
  });
});
