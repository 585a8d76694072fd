// Builds the web dashboard into dist/web: compiles web/src, copies the page and Preact + htm, with no CDN at run time.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
const assets = join(out, 'assets');
mkdirSync(join(assets, 'vendor'), { recursive: true });
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'web')], { cwd: root, stdio: 'inherit' });

// The browser has no node_modules: bare imports become paths to the copies in assets/vendor.
const vendor = {
  preact: ['node_modules/preact/dist/preact.mjs', 'preact.mjs'],
  'preact/hooks': ['node_modules/preact/hooks/dist/hooks.mjs', 'hooks.mjs'],
  htm: ['node_modules/htm/dist/htm.module.js', 'htm.mjs'],
};
function rewriteImports(text, prefix) {
  return text.replace(/(from\s*|import\s*)(["'])(preact\/hooks|preact|htm)\2/g, (_match, keyword, quote, name) => `${keyword}${quote}${prefix}${vendor[name][1]}${quote}`);
}
for (const [source, target] of Object.values(vendor)) {
  writeFileSync(join(assets, 'vendor', target), rewriteImports(readFileSync(join(root, source), 'utf8'), './'));
}
for (const file of readdirSync(assets)) {
  if (!file.endsWith('.js')) continue;
  const path = join(assets, file);
  writeFileSync(path, rewriteImports(readFileSync(path, 'utf8'), './vendor/'));
}
// Every module is named in the page up front, so the browser fetches them at once instead of import by import.
const modules = [...readdirSync(assets).filter((file) => file.endsWith('.js')).map((file) => `assets/${file}`), ...Object.values(vendor).map(([, target]) => `assets/vendor/${target}`)];
const preloads = modules.map((path) => `  <link rel="modulepreload" href="${path}">`).join('\n');
writeFileSync(join(out, 'index.html'), readFileSync(join(root, 'web', 'index.html'), 'utf8').replace('  <!-- modulepreload -->', preloads));
copyFileSync(join(root, 'web', 'style.css'), join(assets, 'style.css'));
