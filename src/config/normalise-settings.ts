import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isMap, type Node, type YAMLMap } from 'yaml';
import { defaultSocketPath } from './default-socket.js';
import { didYouMean } from './did-you-mean.js';
import { configLimits } from './limits.js';
import { parseHttpListen } from './parse-http.js';
import { defaultBackups, defaultLogFileMode, defaultMaxBytes } from './program-keys.js';
import { fromNode, parseFileMode } from './program-values.js';
import type { SupervisorConfig } from './types.js';
import { describe, oneOf, parseBoolean, parseSize, parseWholeNumber, readScalar, scalarOf, type IssueList, type Parsed } from './yaml-values.js';

export interface ConfigOverrides {
  readonly logFile?: string | undefined;
  readonly socket?: string | undefined;
  /** supervisord's command-line options, as values of an INI config's [supervisord] section. */
  readonly supervisord?: Readonly<Record<string, string>> | undefined;
}

const topLevelKeys = ['programs', 'logfile', 'logdir', 'socket', 'watch_config', 'logfile_maxbytes', 'logfile_backups', 'logfile_mode', 'log_format', 'log_level', 'http'] as const;

export type Settings = Omit<SupervisorConfig, 'file' | 'programs'>;

/** The normalise stage for the top-level keys; the programs mapping is handed on as it is. */
export function normaliseSettings(root: YAMLMap, issues: IssueList, text: string, baseDir: string, overrides: ConfigOverrides): { settings: Settings; programsNode: Node | undefined } {
  const nodes: Record<string, Node> = {};
  for (const pair of root.items) {
    const keyNode = pair.key as Node;
    const key = String(scalarOf(keyNode));
    if (!(topLevelKeys as readonly string[]).includes(key)) {
      const hint = didYouMean(key, topLevelKeys);
      issues.add(keyNode, key, `unknown key${hint ? ` (did you mean ${hint}?)` : ''}`);
      continue;
    }
    nodes[key] = (pair.value as Node | null) ?? keyNode;
  }
  const programsNode = nodes['programs'];
  if (programsNode && !isMap(programsNode) && scalarOf(programsNode) !== null) {
    issues.add(programsNode, 'programs', `expected a mapping of program names to settings, got ${describe(programsNode, text)}`);
  }

  const pathSetting = (key: string): string | undefined => {
    const node = nodes[key];
    if (!node) return undefined;
    const value = scalarOf(node);
    if (typeof value === 'string' && value !== '') return resolve(baseDir, value.replace(/^~(?=\/|$)/, homedir()));
    issues.add(node, key, `expected a file path, got ${describe(node, text)}`);
    return undefined;
  };
  const setting = <T>(key: string, parse: (value: unknown) => Parsed<T>, fallback: T): T => {
    const node = nodes[key];
    return node ? (readScalar({ node, keyPath: key }, parse, issues, text) ?? fallback) : fallback;
  };
  const logFile = overrides.logFile ? resolve(overrides.logFile) : (pathSetting('logfile') ?? join(baseDir, 'taskmaster.log'));
  const logDir = pathSetting('logdir') ?? join(dirname(logFile), 'logs');
  const socket = overrides.socket ? resolve(overrides.socket) : (pathSetting('socket') ?? defaultSocketPath());
  const modeNode = nodes['logfile_mode'];
  const logFileMode = modeNode ? fromNode(parseFileMode)(modeNode, 'logfile_mode', { issues, source: text, baseDir }) : undefined;
  const settings: Settings = {
    logFile,
    logDir,
    socket,
    watchConfig: setting('watch_config', parseBoolean, false),
    logFileMaxBytes: setting('logfile_maxbytes', parseSize, defaultMaxBytes),
    logFileBackups: setting('logfile_backups', (raw) => parseWholeNumber(raw, 0, configLimits.maxBackups), defaultBackups),
    logFileMode: logFileMode ?? defaultLogFileMode,
    logFormat: setting('log_format', oneOf(['text', 'json'] as const), 'text'),
    logLevel: setting('log_level', oneOf(['debug', 'info', 'warn', 'error'] as const), 'info'),
    http: nodes['http'] ? parseHttpListen(nodes['http'], issues, text) : null,
  };
  return { settings, programsNode };
}
