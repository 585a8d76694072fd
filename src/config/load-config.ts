import { readFile } from 'node:fs/promises';
import { ConfigError } from './config-error.js';
import { parseConfig, type ConfigOverrides } from './parse-config.js';
import type { SupervisorConfig } from './types.js';

/** Reads and parses a config file; an unreadable file is a ConfigError like any other problem. */
export async function loadConfig(file: string, overrides: ConfigOverrides = {}): Promise<SupervisorConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError([{ file, line: 1, column: 1, keyPath: '', message: `Cannot read config: ${reason}` }]);
  }
  return parseConfig(text, file, overrides);
}
