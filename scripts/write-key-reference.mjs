// Rewrites the README's program-key table from src/config/program-keys.ts (run after `npx tsc -p .`).
import { readFileSync, writeFileSync } from 'node:fs';
import { withKeyReference } from '../dist/src/config/key-reference.js';

const readmeUrl = new URL('../README.md', import.meta.url);
const updated = withKeyReference(readFileSync(readmeUrl, 'utf8'));
if (updated === undefined) {
  console.error('README.md has no program-key markers');
  process.exit(1);
}
writeFileSync(readmeUrl, updated);
