import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { Dashboard } from '../dashboard.js';
import { waitFor } from '../helpers.js';

const programs = `
  chatty: { cmd: "sh -c 'i=0; while true; do i=$((i+1)); echo line-$i; echo err-$i >&2; sleep 0.2; done'", starttime: 0 }
  old: { cmd: "sleep 1000", starttime: 0 }
  keep: { cmd: "sleep 1000", starttime: 0 }
  catcher: { cmd: "sh -c 'trap \\"echo got-usr2\\" USR2; echo ready; while true; do sleep 0.1; done'", numprocs: 2, starttime: 0 }
`;

function highestLine(text: string, prefix: string): number {
  return Math.max(0, ...[...text.matchAll(new RegExp(`${prefix}-(\\d+)`, 'g'))].map((match) => Number(match[1])));
}

describe('the web dashboard logs and reload', () => {
  it('follows a log live, searches it and pauses it', async () => {
    const dash = await Dashboard.open(programs);
    try {
      const { page } = dash;
      await page.getByRole('button', { name: 'details and logs of chatty' }).click();
      const log = page.locator('[data-log]');
      await waitFor(async () => highestLine((await log.textContent()) ?? '', 'line') > 0, 'the tail shown');
      const first = highestLine((await log.textContent()) ?? '', 'line');
      await waitFor(async () => highestLine((await log.textContent()) ?? '', 'line') >= first + 3, 'new lines arriving like tail -f');
      await page.getByRole('button', { name: 'Pause' }).click();
      const frozen = await log.textContent();
      await waitFor(async () => /new lines held/.test((await page.locator('[data-log-status]').textContent()) ?? ''), 'lines held while paused');
      assert.equal(await log.textContent(), frozen);
      await page.getByRole('button', { name: 'Resume' }).click();
      await waitFor(async () => highestLine((await log.textContent()) ?? '', 'line') > highestLine(frozen ?? '', 'line'), 'held lines shown on resume');
      await page.getByLabel('Search').fill('line-1');
      await waitFor(async () => ((await log.textContent()) ?? '').split('\n').every((line) => line.includes('line-1')), 'only matching lines');
      await page.getByLabel('Search').fill('');
      await page.getByLabel('Stream').selectOption('stderr');
      await waitFor(async () => /err-\d+/.test((await log.textContent()) ?? '') && !/line-/.test((await log.textContent()) ?? ''), 'stderr shown');
    } finally {
      await dash.close();
    }
  });

  it('sends a signal to a group and shows each result', async () => {
    const dash = await Dashboard.open(programs);
    try {
      const { page } = dash;
      await waitFor(async () => (await page.locator('[data-group=catcher] [role=row][data-state=RUNNING]').count()) === 2, 'the catchers running');
      await page.getByLabel('signal to send to group catcher').selectOption('USR2');
      await page.getByRole('button', { name: 'send the signal to group catcher' }).click();
      await waitFor(async () => /catcher:catcher_01: sent SIGUSR2/.test((await page.locator('[data-results]').textContent()) ?? ''), 'the result for each process');
      assert.match((await page.locator('[data-results]').textContent()) ?? '', /catcher:catcher_00: sent SIGUSR2/);
      await page.getByRole('button', { name: 'details and logs of catcher:catcher_00' }).click();
      await waitFor(async () => /got-usr2/.test((await page.locator('[data-log]').textContent()) ?? ''), 'the trap ran in the process');
    } finally {
      await dash.close();
    }
  });

  it('shows the event log live', async () => {
    const dash = await Dashboard.open(programs);
    try {
      await dash.page.getByRole('button', { name: 'Event log' }).click();
      const events = dash.page.locator('section[aria-label="Event log"] [data-log]');
      await waitFor(async () => /success: chatty entered RUNNING/.test((await events.textContent()) ?? ''), 'the event log tail');
      await dash.page.getByRole('button', { name: 'stop old' }).click();
      await waitFor(async () => /stopped: old/.test((await events.textContent()) ?? ''), 'a new event line, live');
    } finally {
      await dash.close();
    }
  });

  it('previews a reload and applies it only when asked', async () => {
    const dash = await Dashboard.open(programs);
    try {
      const { page } = dash;
      const config = dash.tm.configFile;
      const text = await readFile(config, 'utf8');
      await dash.tm.rewriteConfig(text.replace(/\n  old:.*\n/, '\n  fresh: { cmd: "sleep 1000", starttime: 0 }\n').replace('keep: { cmd: "sleep 1000"', 'keep: { cmd: "sleep 1001"'));
      await page.getByRole('button', { name: 'Reload config…' }).click();
      const preview = page.locator('[data-preview]');
      await waitFor(async () => (await preview.count()) === 1, 'the preview');
      assert.equal(await preview.locator('[data-added]').textContent(), 'fresh');
      assert.equal(await preview.locator('[data-removed]').textContent(), 'old');
      assert.match((await preview.locator('[data-changed=keep]').textContent()) ?? '', /cmd.*restarted/);
      // Only a preview: nothing changed yet.
      assert.equal((await dash.tm.status()).some((process) => process.name === 'fresh'), false);
      await page.getByRole('button', { name: 'Apply' }).click();
      await waitFor(async () => /Applied/.test((await page.locator('[data-reload-result]').textContent()) ?? ''), 'the applied result');
      await page.getByRole('button', { name: 'Close' }).click();
      await waitFor(async () => (await dash.row('fresh').getAttribute('data-state')) === 'RUNNING' && (await dash.row('old').count()) === 0, 'fresh shown and old gone');
    } finally {
      await dash.close();
    }
  });

  it('shows config errors in the preview and cannot apply them', async () => {
    const dash = await Dashboard.open(programs);
    try {
      await dash.tm.rewriteConfig((await readFile(dash.tm.configFile, 'utf8')).replace('starttime: 0 }\n  keep', 'starttime: "soon" }\n  keep'));
      await dash.page.getByRole('button', { name: 'Reload config…' }).click();
      await waitFor(async () => /programs\.old\.starttime/.test((await dash.page.locator('[data-preview]').textContent()) ?? ''), 'the error with its key');
      assert.equal(await dash.page.getByRole('button', { name: 'Apply' }).isDisabled(), true);
    } finally {
      await dash.close();
    }
  });
});
