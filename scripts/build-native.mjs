// npm's install step: builds the reaper addon; a failed build warns and leaves taskmaster usable.
import { spawnSync } from 'node:child_process';

const nodeGyp = process.env['npm_config_node_gyp'];
const result = nodeGyp
  ? spawnSync(process.execPath, [nodeGyp, 'rebuild'], { stdio: 'inherit' })
  : spawnSync('node-gyp', ['rebuild'], { stdio: 'inherit', shell: true });
if (result.status !== 0) {
  process.stderr.write(
    'taskmaster: warning: the reaper addon (build/Release/taskmaster_reaper.node) did not build.\n' +
      'taskmaster still works, but as PID 1 or with --subreaper it cannot reap orphaned processes.\n' +
      'Install python3, make and g++, then run `npm rebuild` in the taskmaster folder.\n',
  );
}
