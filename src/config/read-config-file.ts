import { createHash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { formatByteSize } from './byte-size.js';
import { ConfigError } from './config-error.js';
import { configLimits } from './limits.js';

/** Which bytes a config was read from, so the log can say which version was applied. */
export interface ConfigVersion {
  readonly sha256: string;
  readonly bytes: number;
}

export function describeVersion(version: ConfigVersion): string {
  return `sha256 ${version.sha256.slice(0, 12)}, ${version.bytes} bytes`;
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

const fail = (file: string, reason: string): ConfigError => new ConfigError([{ file, line: 1, column: 1, keyPath: '', message: `Cannot read config: ${reason}` }]);

/**
 * Reads a config file, refusing what is not a regular file or is too big.
 * O_NONBLOCK makes opening a FIFO return at once instead of waiting for a writer.
 */
export async function readConfigFile(file: string): Promise<{ text: string; version: ConfigVersion }> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw fail(file, code === 'ENOENT' ? 'no such file' : code === 'ENXIO' ? 'it is a socket, expected a regular file' : (error as Error).message);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw fail(file, `it is ${kindOf(stats)}, expected a regular file`);
    const limit = configLimits.maxConfigBytes;
    const tooBig = (bytes: number): ConfigError => fail(file, `it has ${bytes} bytes, more than the limit of ${formatByteSize(limit)}`);
    if (stats.size > limit) throw tooBig(stats.size);
    // Read to the end but never past the limit, in case the file grew since fstat.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(Math.max(stats.size - length, 64 * 1024), limit + 1 - length));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, length);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
      if (length > limit) throw tooBig(length);
    }
    const bytes = Buffer.concat(chunks, length);
    return { text: bytes.toString('utf8'), version: { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: length } };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw fail(file, (error as Error).message);
  } finally {
    await handle.close();
  }
}
