import { parseConfig, type ConfigOverrides } from './parse-config.js';
import { readConfigFile, type ConfigVersion } from './read-config-file.js';
import type { SupervisorConfig } from './types.js';

/** Reads and parses a config file, with the version (hash, size) of the bytes it read. */
export async function loadConfigVersion(file: string, overrides: ConfigOverrides = {}): Promise<{ config: SupervisorConfig; version: ConfigVersion }> {
  const { text, version } = await readConfigFile(file);
  return { config: parseConfig(text, file, overrides), version };
}

/** Reads and parses a config file; an unreadable file is a ConfigError like any other problem. */
export async function loadConfig(file: string, overrides: ConfigOverrides = {}): Promise<SupervisorConfig> {
  return (await loadConfigVersion(file, overrides)).config;
}
