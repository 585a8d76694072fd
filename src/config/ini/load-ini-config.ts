import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../config-error.js';
import { deepFreeze } from '../freeze-config.js';
import { buildConfig, type ConfigOverrides } from '../parse-config.js';
import { readConfigFile, type ConfigVersion } from '../read-config-file.js';
import type { SupervisorConfig } from '../types.js';
import { translateIni } from './ini-document.js';
import { expand } from './ini-expand.js';
import { globFiles } from './ini-glob.js';
import { emptyIniDocument, readIni, type IniDocument } from './ini-reader.js';
import { commandLineOffset, IniIssueList, IniSources } from './ini-sources.js';

/** Reads a supervisord config and its includes into one document; problems are added to `issues`. */
async function readIniFiles(file: string, text: string, sources: IniSources, issues: IniIssueList, warnings: IniIssueList): Promise<{ document: IniDocument; digest: string }> {
  const document = emptyIniDocument();
  const hash = createHash('sha256').update(text);
  const read = (path: string, content: string): void => {
    const base = sources.add(path, content);
    for (const error of readIni(content, base, dirname(path), document)) issues.addAt(error.offset, '', error.message);
  };
  read(file, text);
  const include = document.sections.get('include');
  // Only the main file's [include] is followed, as supervisord does.
  const files = include?.values.get('files');
  if (include && !files) issues.addAt(include.offset, '[include]', '.ini file has [include] section, but no files setting');
  if (files) {
    const names = new Map<string, string | number>([...Object.entries(process.env).flatMap(([key, value]) => (value === undefined ? [] : [[`ENV_${key}`, value] as const])), ['host_node_name', hostname()], ['here', files.here]]);
    const expanded = expand(files.value, names);
    if (!expanded.ok) issues.addAt(files.valueStart, '[include] files', expanded.message);
    for (const pattern of expanded.ok ? expanded.value.split(/\s+/).filter((item) => item !== '') : []) {
      const absolute = resolve(dirname(file), pattern);
      const matches = globFiles(absolute);
      if (matches.length === 0) warnings.addAt(files.valueStart, '[include] files', `No file matches via include "${absolute}"`);
      for (const match of matches) {
        try {
          const included = await readConfigFile(match);
          hash.update(`\0${match}\0`).update(included.text);
          const before = document.sections.get('include')?.values.get('files');
          read(match, included.text);
          const after = document.sections.get('include')?.values.get('files');
          if (after !== before && after) warnings.addAt(after.keyOffset, '[include] files', 'an included file\'s [include] is not read (supervisord reads only the main file\'s)');
        } catch (error) {
          const reason = error instanceof ConfigError ? (error.issues[0]?.message ?? error.message) : (error as Error).message;
          issues.addAt(files.valueStart, '[include] files', `${reason} (included file ${match})`);
        }
      }
    }
  }
  labelKeys(document, sources);
  return { document, digest: hash.digest('hex') };
}

/** Tells the sources where each section and key was written, so the shared stages' problems speak INI. */
function labelKeys(document: IniDocument, sources: IniSources): void {
  for (const value of document.defaults.values()) sources.label(value.keyOffset, value.valueEnd, `[DEFAULT] ${value.key}`);
  for (const section of document.sections.values()) {
    sources.label(section.offset, section.offset, `[${section.name}]`);
    for (const value of section.values.values()) sources.label(value.keyOffset, value.valueEnd, `[${section.name}] ${value.key}`);
  }
}

/** What supervisord's command line sets, as values of its [supervisord] section (`-e debug` is `loglevel=debug`). */
function applyCommandLine(document: IniDocument, values: Readonly<Record<string, string>>, cwd: string): void {
  const section = document.sections.get('supervisord');
  if (!section) return;
  for (const [key, value] of Object.entries(values)) {
    section.values.set(key, { key, value, keyOffset: commandLineOffset, valueStart: commandLineOffset, valueEnd: commandLineOffset, here: cwd });
  }
}

/** Reads and translates a supervisord config: the YAML-shaped document, its supervisord settings, and the issues found. */
export async function translateIniFile(file: string, text: string, overrides: ConfigOverrides) {
  const absolute = resolve(file);
  const cwd = process.cwd();
  const sources = new IniSources();
  const issues = new IniIssueList(sources);
  const warnings = new IniIssueList(sources);
  const { document, digest } = await readIniFiles(absolute, text, sources, issues, warnings);
  // A line supervisord cannot read stops it; what follows from a half-read file would only confuse.
  if (issues.issues.length > 0) throw new ConfigError(issues.sorted());
  if (overrides.supervisord) applyCommandLine(document, overrides.supervisord, cwd);
  const translation = translateIni(document, sources, issues, warnings, cwd);
  const supervisord = deepFreeze({ ...translation.supervisord, warnings: warnings.sorted() });
  return { absolute, cwd, root: translation.root, supervisord, issues, text: sources.text, digest };
}

/**
 * The INI front of the config pipeline: read (with includes), translate to the YAML-shaped
 * document, then the same normalise, validate and freeze stages as a YAML file. Relative
 * paths are relative to the working folder, as supervisord takes them.
 */
export async function loadIniConfigVersion(file: string, text: string, bytes: number, overrides: ConfigOverrides): Promise<{ config: SupervisorConfig; version: ConfigVersion }> {
  const { absolute, cwd, root, supervisord, issues, text: combined, digest } = await translateIniFile(file, text, overrides);
  const config = buildConfig({ root, issues, text: combined, file: absolute, baseDir: cwd, overrides, supervisord });
  return { config, version: { sha256: digest, bytes } };
}
