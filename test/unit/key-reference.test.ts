import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { keyReferenceMarkers, renderKeyReference } from '../../src/config/key-reference.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe("the README's program-key table", () => {
  it('is the one written from the key table (run node scripts/write-key-reference.mjs after a change)', () => {
    const start = readme.indexOf(keyReferenceMarkers.start);
    const end = readme.indexOf(keyReferenceMarkers.end);
    assert.ok(start >= 0 && end > start, 'README.md has lost its program-key markers');
    assert.equal(readme.slice(start + keyReferenceMarkers.start.length, end).trim(), renderKeyReference());
  });
});
