import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap } from 'yaml';
import { checkMachine } from './check-machine.js';
import { ConfigError } from './config-error.js';
import { freezeConfig } from './freeze-config.js';
import { normalisePrograms } from './normalise-program.js';
import { normaliseSettings, type ConfigOverrides } from './normalise-settings.js';
import { parseYaml } from './parse-yaml.js';
import type { SupervisorConfig } from './types.js';
import { validatePrograms } from './validate-programs.js';

export type { ConfigOverrides } from './normalise-settings.js';

/**
 * Parses config text into a frozen config, or throws one ConfigError naming every problem.
 * The stages: parse (YAML with positions), normalise, validate, machine checks, freeze.
 */
export function parseConfig(text: string, file: string, overrides: ConfigOverrides = {}): SupervisorConfig {
  const absoluteFile = resolve(file);
  const baseDir = dirname(absoluteFile);
  const { root, issues } = parseYaml(text, file);
  const { settings, programsNode } = normaliseSettings(root, issues, text, baseDir, overrides);
  const programsMap = isMap(programsNode) ? programsNode : undefined;
  const entries = programsMap ? normalisePrograms(programsMap, { issues, source: text, baseDir }) : [];
  const programs = validatePrograms(entries, programsNode, issues, text);
  checkMachine(entries, issues);
  if (issues.issues.length > 0) throw new ConfigError(issues.sorted());
  if (!isAbsolute(settings.socket)) throw new Error('socket path must be absolute');
  return freezeConfig({ file: absoluteFile, ...settings, programs });
}
