import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SupervisorApi, ReloadResult } from '../../src/contracts/supervisor-api.js';
import { ctlUsage } from '../../src/cli/ctl-usage.js';
import { exitStatusOf } from '../../src/control/command-result.js';
import { commandNames, commandTable, findCommand } from '../../src/control/command-table.js';
import { formatResultJson, formatResultText } from '../../src/control/format-result.js';

// help needs no supervisor: any call on the API would be a mistake.
const noApi = new Proxy({}, { get: (_target, key) => () => assert.fail(`help called api.${String(key)}`) }) as SupervisorApi;

const reloadResult = (applied: boolean): ReloadResult => ({
  ok: true,
  applied,
  errors: [],
  diff: {
    added: ['fresh'],
    removed: ['drop'],
    unchanged: ['keep'],
    changed: [
      { name: 'change', respawn: true, changedKeys: ['cmd'], numprocsBefore: 1, numprocsAfter: 1 },
      { name: 'tune', respawn: false, changedKeys: ['autorestart'], numprocsBefore: 1, numprocsAfter: 1 },
    ],
    groups: { added: ['fresh'], changed: ['change'], removed: ['drop'] },
  },
});

describe('the command table', () => {
  it('gives every command a name, a usage that starts with it, a summary and a completion', () => {
    assert.ok(commandTable.length >= 17);
    for (const row of commandTable) {
      assert.match(row.name, /^[a-z]+$/, `${row.name} is one lower-case word`);
      assert.ok(row.usage === row.name || row.usage.startsWith(`${row.name} `), `${row.name}: usage starts with the name: ${row.usage}`);
      assert.ok(row.summary.trim().length > 10, `${row.name} has a summary`);
      assert.ok(['none', 'names', 'signal-then-names', 'tail', 'commands', 'programs', 'shells'].includes(row.completes), `${row.name} completes something known`);
      assert.equal(typeof row.run, 'function', `${row.name} runs`);
    }
    assert.equal(new Set(commandNames).size, commandNames.length, 'no command twice');
  });

  it('lists every command in help, as text and as JSON', async () => {
    const result = await findCommand('help')!.run(noApi, []);
    const text = formatResultText(result, false).stdout;
    for (const name of commandNames) assert.match(text, new RegExp(`^  ${name}\\b`, 'm'), `help lists ${name}`);
    const json = JSON.parse(formatResultJson(result)) as { usage: string }[];
    assert.deepEqual(json.map((entry) => entry.usage.split(' ')[0]), commandNames);
  });

  it('explains one command with help COMMAND, and refuses an unknown one', async () => {
    const result = await findCommand('help')!.run(noApi, ['history']);
    assert.equal(formatResultText(result, false).stdout, 'history NAME\n  the last runs of a process: start, duration, result\n');
    await assert.rejects(findCommand('help')!.run(noApi, ['nope']), { name: 'UsageError', message: 'no such command: nope' });
  });

  it("names every command in taskmasterctl's usage", () => {
    const listed = /Commands: ([^.]+)\./.exec(ctlUsage())![1]!.split(/,\s+/);
    assert.deepEqual(listed, commandNames);
  });
});

describe('printing a reload result', () => {
  it('says what reload did', () => {
    const result = { kind: 'reload', result: reloadResult(true) } as const;
    assert.equal(formatResultText(result, false).stdout, 'fresh: added\nchange: changed (cmd), restarted\ntune: changed (autorestart), applied in place\ndrop: removed\n');
    assert.equal(exitStatusOf(result), 0);
  });

  it('says what reload would do after a reread, which applies nothing', () => {
    const printed = formatResultText({ kind: 'reload', result: reloadResult(false) }, false).stdout;
    assert.equal(printed, 'fresh: available\nchange: changed (cmd), would restart\ntune: changed (autorestart), would apply in place\ndrop: disappeared\n');
    assert.doesNotMatch(printed, /restarted|applied in place$/m);
  });

  it('prints a rejected config to stderr and exits 1', () => {
    const result = { kind: 'reload', result: { ok: false, applied: false, diff: null, errors: ['a.yaml:2:3: programs.x.cmd: bad'] } } as const;
    assert.deepEqual(formatResultText(result, false), { stdout: '', stderr: 'config rejected, nothing changed:\na.yaml:2:3: programs.x.cmd: bad\n' });
    assert.equal(exitStatusOf(result), 1);
  });
});
