// Makes a fresh clone runnable: installs dependencies when missing or stale, then compiles.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const installedMarker = join(root, 'node_modules', '.package-lock.json');
const lockFile = join(root, 'package-lock.json');
const addon = join(root, 'build', 'Release', 'taskmaster_reaper.node');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const needsInstall =
  !existsSync(installedMarker) || statSync(lockFile).mtimeMs > statSync(installedMarker).mtimeMs;
if (needsInstall) {
  execFileSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
} else if (!existsSync(addon) || statSync(join(root, 'native', 'reaper.cc')).mtimeMs > statSync(addon).mtimeMs) {
  // npm ci builds the addon (package.json's install script); a tree installed before it, or before its source changed, did not.
  execFileSync(npm, ['run', 'install', '--silent'], { cwd: root, stdio: 'inherit' });
}
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', root], {
  cwd: root,
  stdio: 'inherit',
});
// The web dashboard, served at / by the control API.
execFileSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { cwd: root, stdio: 'inherit' });
// taskmasterctl as one file, the bin: a one-shot command starts faster.
execFileSync(process.execPath, [join(root, 'scripts', 'bundle-ctl.mjs')], { cwd: root, stdio: 'inherit' });
