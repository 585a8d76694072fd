import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { configQuietMs } from '../../src/config/watch-config-file.js';
import { RunningTaskmaster } from '../helpers.js';

const head = 'watch_config: true\nprograms:\n  a: { cmd: "sleep 1000", starttime: 0 }\n';
const tail = '  b: { cmd: "sleep 1000", starttime: 0 }\n  c: { cmd: "sleep 1000", starttime: 0 }\n';

// A writer that pauses mid-file, for less than the quiet time watch_config waits for.
const writerPauseMs = 300;

describe('watch_config', () => {
  it('waits for the file to be quiet, so a config caught mid-write is never applied', async () => {
    assert.ok(configQuietMs >= writerPauseMs + 200);
    const tm = await RunningTaskmaster.start(`${head}  b: { cmd: "sleep 1000", starttime: 0 }\n`);
    try {
      await tm.waitForState('a', 'RUNNING');
      const before = await tm.waitForState('b', 'RUNNING');
      // The first half alone is valid YAML without b: applied, it would stop b.
      const writer = await open(tm.configFile, 'w');
      try {
        await writer.write(head);
        await new Promise((resolve) => setTimeout(resolve, writerPauseMs));
        await writer.write(tail);
      } finally {
        await writer.close();
      }
      const final = Buffer.from(head + tail);
      const sha = createHash('sha256').update(final).digest('hex').slice(0, 12);
      const log = await tm.waitForLog(new RegExp(`reload: added: c; changed: none; removed: none \\(applied config sha256 ${sha}, ${final.length} bytes\\)`));
      assert.equal(log.match(/reload: /g)?.length, 1, log);
      const after = await tm.process('b');
      assert.equal(after.state, 'RUNNING');
      assert.equal(after.pid, before.pid, 'b was restarted by a half-written config');
      await tm.waitForState('c', 'RUNNING');
    } finally {
      await tm.stop();
    }
  });
});
