import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Compiled benchmark files live in dist/bench/...; these point at their compiled neighbours. */
const distDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const repoRoot = join(distDir, '..');
export const taskmasterBin = join(distDir, 'src', 'cli', 'taskmaster.js');
/** The bin, the one-file bundle `npm run bench` builds (scripts/bundle-ctl.mjs). */
export const taskmasterctlBin = join(distDir, 'taskmasterctl.cjs');
export const floorDir = join(distDir, 'bench', 'floor');
