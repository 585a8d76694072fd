// Bundles taskmasterctl (tsc's output) into one CommonJS file, dist/taskmasterctl.cjs: a one-shot command
// then compiles one script instead of resolving, reading and linking two dozen ES modules (bench/report/analysis.md).
import { build } from 'esbuild';
import { chmodSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ctlBundle = join(root, 'dist', 'taskmasterctl.cjs');
const entry = join(root, 'dist', 'src', 'cli', 'taskmasterctl.js');

/** Writes the bundle beside its final name first: a test process that runs it meanwhile never sees half a file. */
export async function bundleCtl() {
  const partial = `${ctlBundle}.${process.pid}.tmp`;
  const result = await build({
    entryPoints: [entry],
    outfile: partial,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // npm packages (yaml) stay require()d from node_modules, so they load only on the paths that use them.
    packages: 'external',
    logLevel: 'silent',
  });
  // A warning (import.meta in CommonJS, say) would be a command that breaks only in the bundle.
  if (result.warnings.length > 0) throw new Error(`bundling taskmasterctl: ${result.warnings.map((warning) => warning.text).join('; ')}`);
  chmodSync(partial, 0o755);
  renameSync(partial, ctlBundle);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleCtl();
