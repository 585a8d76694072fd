import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ctl, makeTempDir, RunningTaskmaster, waitFor } from '../helpers.js';

describe('dependencies converge', () => {
  it('starts a dependent by itself once its dependency turns healthy later, and tells the truth meanwhile', async () => {
    const dir = await makeTempDir();
    const tm = await RunningTaskmaster.start(`
programs:
  db: { cmd: "sleep 100", starttime: 0, healthcheck: { cmd: "test -f ${dir}/db-ready", interval: 100ms, retries: 1 } }
  web: { cmd: "sleep 100", starttime: 0, depends_on: { db: healthy } }
`, dir);
    try {
      // The unhealthy db is restarted again and again (on_unhealthy: restart): web waits through it all.
      const seen = new Set<string>();
      await waitFor(async () => {
        const status = await tm.status();
        const db = status.find((entry) => entry.name === 'db')!;
        const web = status.find((entry) => entry.name === 'web')!;
        assert.equal(web.state, 'STOPPED');
        assert.match(web.description, /^waiting for db to become healthy \(db: [A-Z]+(, (starting|unhealthy))?\)$/);
        assert.ok(web.description.startsWith(`waiting for db to become healthy (db: ${db.state}`), `web says "${web.description}" while db is ${db.state}`);
        seen.add(web.description);
        return ((await tm.log()).match(/restarting db: unhealthy/g) ?? []).length >= 2;
      }, 'db restarted twice for being unhealthy', 30_000);
      assert.ok([...seen].some((description) => description.includes('(db: RUNNING')), [...seen].join(' | '));
      await writeFile(join(dir, 'db-ready'), '');
      await tm.waitForState('web', 'RUNNING');
      assert.equal((await tm.process('db')).health, 'healthy');
      const log = await tm.log();
      assert.match(log, /dependencies met: starting web/);
      assert.doesNotMatch(log, /not starting web/);
    } finally {
      await tm.stop();
    }
  });

  it('blocks a dependent on a dependency that can no longer be met, and starts it once that one recovers by hand', async () => {
    const dir = await makeTempDir();
    const tm = await RunningTaskmaster.start(`
programs:
  db: { cmd: "sh -c 'test -f ${dir}/db-ok && exec sleep 100'", starttime: 0.5, startretries: 0, autostart: false }
  migrate: { cmd: "sh -c 'test -f ${dir}/migrate-ok'", starttime: 0, autostart: false, autorestart: never }
  web: { cmd: "sleep 100", starttime: 0, depends_on: { db: started, migrate: completed_successfully } }
`, dir);
    try {
      const blockedOnDb = 'dependency not met: db is FATAL (Exited too quickly); starts once it is met';
      await waitFor(async () => (await tm.process('web')).description === blockedOnDb, 'web blocked on the FATAL db');
      assert.equal((await tm.process('migrate')).state, 'EXITED');
      const start = await ctl(tm.socket, 'start', 'web');
      assert.equal(start.code, 1);
      assert.ok(start.stdout.includes(`web: ERROR (${blockedOnDb})`), start.stdout);
      await tm.waitForLog(/not starting web: dependency not met: db is FATAL/);

      await writeFile(join(dir, 'db-ok'), '');
      assert.equal((await ctl(tm.socket, 'start', 'db')).code, 0);
      await waitFor(async () => (await tm.process('web')).description === 'dependency not met: migrate did not complete successfully (exit status 1); starts once it is met', 'web blocked on the failed migrate');
      assert.equal((await tm.process('web')).state, 'STOPPED');

      await writeFile(join(dir, 'migrate-ok'), '');
      await ctl(tm.socket, 'start', 'migrate');
      await tm.waitForState('web', 'RUNNING');
      assert.equal((await tm.process('migrate')).state, 'EXITED');
    } finally {
      await tm.stop();
    }
  });
});
