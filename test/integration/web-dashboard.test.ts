import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFile } from 'node:fs/promises';
import { Dashboard } from '../dashboard.js';
import { RunningTaskmaster, waitFor } from '../helpers.js';

const programs = `
  web: { cmd: "sleep 1000", starttime: 0, autorestart: true }
  chatty: { cmd: "sh -c 'i=0; while true; do i=$((i+1)); echo line-$i; echo err-$i >&2; sleep 0.2; done'", starttime: 0 }
  worker: { cmd: "sleep 1000", numprocs: 3, starttime: 0 }
  idle: { cmd: "sleep 1000", autostart: false }
`;

describe('the web dashboard', () => {
  it('shows every process with its state, and folds a group', async () => {
    const dash = await Dashboard.open(programs);
    try {
      const { page } = dash;
      await waitFor(async () => (await dash.row('worker:worker_02').getAttribute('data-state')) === 'RUNNING', 'worker_02 RUNNING on the page');
      const web = await dash.tm.process('web');
      assert.equal(await dash.row('web').locator('[data-col=pid]').textContent(), String(web.pid));
      // The state is written out beside its icon, not shown by colour alone.
      assert.match((await dash.row('idle').locator('.badge').textContent()) ?? '', /STOPPED/);
      assert.equal(await page.locator('[data-count=RUNNING]').textContent(), '5');
      await page.locator('[data-group=worker] button.fold').click();
      await waitFor(async () => (await dash.row('worker:worker_00').count()) === 0, 'the worker group to fold');
      assert.equal(await page.locator('[data-group=worker] button.fold').getAttribute('aria-expanded'), 'false');
      assert.deepEqual(dash.pageErrors, []);
    } finally {
      await dash.close();
    }
  });

  it('keeps the name and state filter in the URL', async () => {
    const dash = await Dashboard.open(programs, { query: '?q=work' });
    try {
      const { page } = dash;
      await waitFor(async () => (await page.locator('[role=row][data-name]').count()) === 3, 'only the three workers shown');
      await page.getByLabel('State').selectOption('STOPPED');
      await waitFor(() => new URL(page.url()).searchParams.get('state') === 'STOPPED', 'the state in the URL');
      await page.getByLabel('Filter by name').fill('');
      await waitFor(async () => (await page.locator('[role=row][data-name]').count()) === 1, 'only idle shown');
      assert.equal(new URL(page.url()).search, '?state=STOPPED');
      await page.reload();
      await waitFor(async () => (await page.locator('[role=row][data-name]').count()) === 1 && (await dash.row('idle').count()) === 1, 'the filter kept across a reload');
    } finally {
      await dash.close();
    }
  });

  it('shows a kill -9 turn into a restart', async () => {
    const dash = await Dashboard.open(programs);
    try {
      const before = await dash.tm.waitForState('web', 'RUNNING');
      await waitFor(async () => (await dash.row('web').locator('[data-col=pid]').textContent()) === String(before.pid), 'the first pid on the page');
      process.kill(before.pid!, 'SIGKILL');
      const after = await dash.tm.waitForRestart('web', before.pid);
      await waitFor(async () => (await dash.row('web').locator('[data-col=pid]').textContent()) === String(after.pid), 'the new pid on the page');
      assert.match((await dash.row('web').locator('[data-col=restarts]').textContent()) ?? '', /^1\*?$/);
      assert.match((await dash.row('web').locator('[data-col=exit]').textContent()) ?? '', /SIGKILL/);
      assert.equal(await dash.row('web').getAttribute('data-state'), 'RUNNING');
    } finally {
      await dash.close();
    }
  });

  it('stops a process with its Stop button and shows STOPPED and the result', async () => {
    const dash = await Dashboard.open(programs);
    try {
      await waitFor(async () => (await dash.row('web').getAttribute('data-state')) === 'RUNNING', 'web RUNNING on the page');
      await dash.page.getByRole('button', { name: 'stop web', exact: true }).click();
      await waitFor(async () => (await dash.row('web').getAttribute('data-state')) === 'STOPPED', 'STOPPED on the page');
      assert.match((await dash.row('web').locator('.badge').textContent()) ?? '', /STOPPED/);
      await waitFor(async () => /web: stopped/.test((await dash.page.locator('[data-results]').textContent()) ?? ''), 'the result shown');
      assert.equal((await dash.tm.process('web')).state, 'STOPPED');
      // The keyboard alone works too: focus the group's Stop button and press Enter.
      await dash.page.getByRole('button', { name: 'stop group worker' }).focus();
      await dash.page.keyboard.press('Enter');
      await waitFor(async () => (await dash.page.locator('[data-group=worker] [role=row][data-state=STOPPED]').count()) === 3, 'the group stopped');
    } finally {
      await dash.close();
    }
  });

  it('shows CPU and memory, and their charts, when the supervisor samples them', async (t) => {
    const dash = await Dashboard.open(programs);
    try {
      const probe = await dash.page.request.get(`${dash.url}v1/samples?name=web`);
      if (probe.status() === 404) {
        t.skip('this supervisor has no resource sampler (GET /v1/samples)');
        return;
      }
      await waitFor(async () => /\d (KiB|MiB)/.test((await dash.row('web').locator('[data-col=memory]').textContent()) ?? ''), 'the memory of web shown', 30_000);
      assert.match((await dash.row('web').locator('[data-col=cpu]').textContent()) ?? '', /^\d+\.\d%$/);
      await dash.page.getByRole('button', { name: 'details and logs of web' }).click();
      await waitFor(async () => /Memory: [\d.]+ (KiB|MiB) now/.test((await dash.page.locator('.detail').textContent()) ?? ''), 'the memory chart', 30_000);
      assert.equal(await dash.page.locator('.detail svg.line polyline').count(), 2);
    } finally {
      await dash.close();
    }
  });

  it('shows a failed start with its reason', async () => {
    const dash = await Dashboard.open(`${programs}  broken: { cmd: "/nonexistent/tm-web-no-such-program", autostart: false, startretries: 0 }\n`);
    try {
      await dash.page.getByRole('button', { name: 'start broken', exact: true }).click();
      await waitFor(async () => /✖ start broken/.test((await dash.page.locator('[data-results]').textContent()) ?? ''), 'the failure shown');
      assert.match((await dash.page.locator('[data-results]').textContent()) ?? '', /broken: spawn error/);
      await waitFor(async () => (await dash.row('broken').getAttribute('data-state')) === 'FATAL', 'FATAL on the page');
    } finally {
      await dash.close();
    }
  });

  it('shows a lost connection, explains a failed action, and reconnects by itself', async () => {
    const dash = await Dashboard.open(programs);
    let second: RunningTaskmaster | null = null;
    try {
      const config = await readFile(dash.tm.configFile, 'utf8');
      await dash.tm.stop();
      await waitFor(async () => (await dash.page.locator('[data-connection]').getAttribute('data-connection')) === 'lost', 'the lost connection shown');
      assert.match((await dash.page.locator('[data-connection]').textContent()) ?? '', /Connection lost/);
      await dash.page.getByRole('button', { name: 'restart web' }).click();
      await waitFor(async () => /cannot reach the supervisor|E_NETWORK/.test((await dash.page.locator('[data-results]').textContent()) ?? ''), 'the failed action explained');
      second = await RunningTaskmaster.start(config);
      await waitFor(async () => (await dash.page.locator('[data-connection]').getAttribute('data-connection')) === 'live', 'live again without a page reload', 30_000);
      const web = await second.waitForState('web', 'RUNNING');
      await waitFor(async () => (await dash.row('web').locator('[data-col=pid]').textContent()) === String(web.pid), 'the new supervisor\'s pid shown');
    } finally {
      await dash.close();
      await second?.stop();
    }
  });
});
