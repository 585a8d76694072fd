import { Document } from 'yaml';
import type { ConfigIssue } from '../config-error.js';
import { buildConfig } from '../parse-config.js';
import { readConfigFile } from '../read-config-file.js';
import { translateIniFile } from './load-ini-config.js';

/**
 * `taskmaster convert`: a supervisord config as the YAML config that loads to the same
 * programs and settings. What YAML has no key for (pidfile, umask ...) is listed in comments;
 * `[group:x]` and free-form process names become each program's `group` key.
 */
export async function iniToYaml(file: string): Promise<{ yaml: string; warnings: readonly ConfigIssue[] }> {
  const { text } = await readConfigFile(file);
  const translated = await translateIniFile(file, text, {});
  // Validated as loading it would, so what is printed is a config that loads.
  buildConfig({ root: translated.root, issues: translated.issues, text: translated.text, file: translated.absolute, baseDir: translated.cwd, overrides: {} });
  const { supervisord } = translated;
  const notes = [
    `Converted from ${translated.absolute} by taskmaster convert.`,
    'supervisord settings with no YAML key (give them on the command line, or keep the INI file):',
    `  pidfile ${supervisord.pidFile} (--pidfile), nodaemon ${supervisord.nodaemon} (-d to detach), umask ${supervisord.umask.toString(8).padStart(3, '0')}`,
    ...(supervisord.user ? [`  user ${supervisord.user}`] : []),
    ...(supervisord.directory ? [`  directory ${supervisord.directory}`] : []),
  ];
  const document = new Document(translated.root);
  document.commentBefore = notes.map((line) => ` ${line}`).join('\n');
  return { yaml: document.toString({ lineWidth: 0 }), warnings: supervisord.warnings };
}
