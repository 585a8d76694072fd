import { detectConfigFormat } from './ini/detect-config-format.js';
import { parseConfig, type ConfigOverrides } from './parse-config.js';
import { readConfigFile, type ConfigVersion } from './read-config-file.js';
import type { SupervisorConfig } from './types.js';

/** Reads and parses a config file (YAML, or supervisord's INI), with the version (hash, size) of the bytes it read. */
export async function loadConfigVersion(file: string, overrides: ConfigOverrides = {}): Promise<{ config: SupervisorConfig; version: ConfigVersion }> {
  const { text, version } = await readConfigFile(file);
  // Loaded only for an INI file: a supervisor short of descriptors opens as few modules as it can at start.
  if (detectConfigFormat(file, text) === 'ini') return (await import('./ini/load-ini-config.js')).loadIniConfigVersion(file, text, version.bytes, overrides);
  return { config: parseConfig(text, file, overrides), version };
}

/** Reads and parses a config file; an unreadable file is a ConfigError like any other problem. */
export async function loadConfig(file: string, overrides: ConfigOverrides = {}): Promise<SupervisorConfig> {
  return (await loadConfigVersion(file, overrides)).config;
}
