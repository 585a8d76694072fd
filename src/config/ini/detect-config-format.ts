import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';

export type ConfigFormat = 'yaml' | 'ini';

/** `.conf` and `.ini` are supervisord's; otherwise a file whose first line that says something is a `[section]` header. */
export function detectConfigFormat(file: string, text: string): ConfigFormat {
  const extension = extname(file).toLowerCase();
  if (extension === '.conf' || extension === '.ini') return 'ini';
  if (extension === '.yaml' || extension === '.yml' || extension === '.json') return 'yaml';
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    return /^\[[^\]]+\]\s*([;#].*)?$/.test(trimmed) ? 'ini' : 'yaml';
  }
  return 'yaml';
}

/** The format of a config file by its name, else by its first 4 KiB; a file that cannot be read is taken by its name. */
export function detectConfigFileFormat(file: string): ConfigFormat {
  if (/\.(conf|ini|ya?ml|json)$/i.test(file)) return detectConfigFormat(file, '');
  let head = '';
  try {
    // Non-blocking, and only a regular file is read: a FIFO must not hang the start (the loader refuses it).
    const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const buffer = Buffer.alloc(4096);
      if (fstatSync(fd).isFile()) head = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    // The loader reports an unreadable file.
  }
  return detectConfigFormat(file, head);
}
