import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, type YAMLMap } from 'yaml';
import { checkMachine } from './check-machine.js';
import { ConfigError } from './config-error.js';
import { freezeConfig } from './freeze-config.js';
import { normalisePrograms } from './normalise-program.js';
import { normaliseSettings, type ConfigOverrides } from './normalise-settings.js';
import { parseYaml } from './parse-yaml.js';
import type { SupervisorConfig, SupervisordConfig } from './types.js';
import type { IssueList } from './yaml-values.js';
import { validatePrograms } from './validate-programs.js';

export type { ConfigOverrides } from './normalise-settings.js';

/** The stages after the parse, shared by the YAML and INI fronts: normalise, validate, machine checks, freeze. */
export function buildConfig(input: { root: YAMLMap; issues: IssueList; text: string; file: string; baseDir: string; overrides: ConfigOverrides; supervisord?: SupervisordConfig }): SupervisorConfig {
  const { root, issues, text, file, baseDir, overrides } = input;
  const { settings, programsNode } = normaliseSettings(root, issues, text, baseDir, overrides);
  const programsMap = isMap(programsNode) ? programsNode : undefined;
  const entries = programsMap ? normalisePrograms(programsMap, { issues, source: text, baseDir }) : [];
  const programs = validatePrograms(entries, programsNode, issues, text);
  checkMachine(entries, issues);
  if (issues.issues.length > 0) throw new ConfigError(issues.sorted());
  if (!isAbsolute(settings.socket)) throw new Error('socket path must be absolute');
  return freezeConfig({ file, ...settings, programs, ...(input.supervisord ? { supervisord: input.supervisord } : {}) });
}

/**
 * Parses config text into a frozen config, or throws one ConfigError naming every problem.
 * The stages: parse (YAML with positions), normalise, validate, machine checks, freeze.
 */
export function parseConfig(text: string, file: string, overrides: ConfigOverrides = {}): SupervisorConfig {
  const absoluteFile = resolve(file);
  const { root, issues } = parseYaml(text, file);
  return buildConfig({ root, issues, text, file: absoluteFile, baseDir: dirname(absoluteFile), overrides });
}
