import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { commandNames } from '../../src/control/command-table.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe("the README's command table", () => {
  it('has a row for every command of the command table, and no row for a command that does not exist', () => {
    const start = readme.indexOf('| command | what it does |');
    assert.ok(start >= 0, 'README.md has lost its command table');
    const rows = readme.slice(start).split('\n').slice(2);
    const table = rows.slice(0, rows.findIndex((line) => !line.startsWith('|')));
    // A row's first cell names one or more commands: `version`, `help [COMMAND]`.
    const firstCell = (row: string): string => /^\|((?:[^|\\]|\\.)*)\|/.exec(row)![1]!;
    const documented = table.flatMap((row) => [...firstCell(row).matchAll(/`([a-z]+)[^`]*`/g)].map((match) => match[1]!));
    assert.deepEqual([...new Set(documented)].sort(), [...commandNames].sort());
  });
});
