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
