import { realpathSync, statSync } from 'node:fs';
import { ConfigError, formatIssue } from '../config/config-error.js';
import { ConfigEditError } from '../config/edit-programs.js';
import { configLimits } from '../config/limits.js';
import { loadConfigOffThread } from '../config/load-config-off-thread.js';
import type { ConfigOverrides } from '../config/parse-config.js';
import { readConfigFile } from '../config/read-config-file.js';
import { TaskmasterError } from '../contracts/errors.js';
import { replaceFileSync } from '../output/replace-file.js';

/** A change of the config text, as `add` and `remove` make it. */
export type ConfigEdit = (text: string, file: string) => string;

/**
 * Writes one change to the config file, so a reload or a restart keeps it: the new text is
 * validated by the normal pipeline first (a bad change writes nothing), then replaces the file
 * atomically with its mode kept; a file changed by someone else meanwhile is left alone.
 */
export async function writeConfigChange(file: string, overrides: ConfigOverrides, edit: ConfigEdit): Promise<void> {
  const before = await readConfigFile(file).catch(rethrowConfig(file));
  let next: string;
  try {
    next = edit(before.text, file);
  } catch (error) {
    if (!(error instanceof ConfigEditError)) throw error;
    throw new TaskmasterError(error.reason === 'missing' ? 'E_NO_SUCH_PROCESS' : 'E_BAD_REQUEST', error.message);
  }
  if (Buffer.byteLength(next) > configLimits.maxConfigBytes) throw new TaskmasterError('E_TOO_LARGE', `${file} would pass ${configLimits.maxConfigBytes} bytes; nothing was written`);
  await loadConfigOffThread(file, overrides, next).catch((error: unknown) => {
    if (!(error instanceof ConfigError)) throw error;
    const errors = error.issues.map(formatIssue);
    throw new TaskmasterError('E_CONFIG_INVALID', `the change would make ${file} invalid, nothing was written (lines as the file would read):\n${errors.join('\n')}`, { errors });
  });
  const now = await readConfigFile(file).catch(rethrowConfig(file));
  if (now.version.sha256 !== before.version.sha256) throw new TaskmasterError('E_CONFLICT', `${file} changed while this change was checked; nothing was written: try again`);
  // A linked config is changed where it lives; the link stays.
  const target = realpathSync(file);
  replaceFileSync(target, next, statSync(target).mode & 0o7777);
}

function rethrowConfig(file: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof ConfigError) throw new TaskmasterError('E_CONFIG_INVALID', `cannot read ${file}: ${error.issues.map(formatIssue).join('; ')}`);
    throw error;
  };
}
