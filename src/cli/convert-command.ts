import { formatIssue, ConfigError } from '../config/config-error.js';
import { iniToYaml } from '../config/ini/ini-to-yaml.js';

const usage = 'Usage: taskmaster convert FILE.conf   (prints the equivalent YAML config)';

/** `taskmaster convert FILE.conf`: the YAML on stdout, warnings on stderr; 1 if the file has errors. */
export async function runConvertCommand(args: readonly string[]): Promise<number> {
  const [file, extra] = args;
  if (!file || extra !== undefined || file.startsWith('-')) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  try {
    const { yaml, warnings } = await iniToYaml(file);
    for (const warning of warnings) process.stderr.write(`taskmaster: warning: ${formatIssue(warning)}\n`);
    process.stdout.write(yaml);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
}
