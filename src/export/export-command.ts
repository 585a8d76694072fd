import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import type { SupervisorConfig } from '../config/types.js';
import { exportCompose } from './compose.js';
import type { ExportedFile } from './exported-file.js';
import { exportKubernetes } from './kubernetes.js';
import { exportSystemd } from './systemd.js';
import { installService } from './install-service.js';
import { uidOfUser } from './user-ids.js';

const formats = {
  systemd: (config: SupervisorConfig, _image: string) => exportSystemd(config),
  kubernetes: (config: SupervisorConfig, image: string) => [exportKubernetes(config, { image, uidOf: uidOfUser })],
  compose: (config: SupervisorConfig, image: string) => [exportCompose(config, { image })],
} as const;

export const exportUsage = `Usage: taskmaster export systemd|kubernetes|compose CONFIG [--out DIR] [--image IMAGE]
       taskmaster install-service [-c CONFIG] [--out DIR] [--name NAME]

export writes the programs of CONFIG as systemd units (one .service per process, a .timer per
schedule), Kubernetes manifests (a Deployment or CronJob per program) or a compose file, to
DIR or else to stdout. What cannot be carried over is said in a comment where it would go.
--image is the container image of kubernetes and compose [default: debian:bookworm-slim].
install-service writes NAME.service [taskmaster] to DIR [/etc/systemd/system]: Taskmaster
itself under systemd, Type=notify, started at boot.`;

async function emit(files: readonly ExportedFile[], outDir: string | undefined): Promise<void> {
  if (outDir === undefined) {
    const many = files.length > 1;
    process.stdout.write(files.map((file) => (many ? `# ${file.name}\n${file.text}` : file.text)).join('\n'));
    return;
  }
  await mkdir(outDir, { recursive: true });
  for (const file of files) {
    await writeFile(join(outDir, file.name), file.text);
    process.stdout.write(`${join(outDir, file.name)}\n`);
  }
}

/** `taskmaster export ...` and `taskmaster install-service ...`; returns the exit code. */
export async function runExportCommand(args: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { out: { type: 'string' }, image: { type: 'string' }, config: { type: 'string', short: 'c' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    process.stderr.write(`taskmaster: ${(error as Error).message}\n${exportUsage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${exportUsage}\n`);
    return 0;
  }
  const [command, format, configArgument] = positionals;
  const configFile = command === 'install-service' ? (values.config ?? format ?? 'taskmaster.yaml') : configArgument;
  if (command === 'export' && (format === undefined || !(format in formats) || configFile === undefined)) {
    process.stderr.write(`taskmaster: export needs a format (systemd, kubernetes or compose) and a config file\n${exportUsage}\n`);
    return 2;
  }
  let config: SupervisorConfig;
  try {
    config = await loadConfig(configFile!);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  try {
    if (command === 'install-service') {
      await emit([installService(config, { name: values.name ?? 'taskmaster', node: process.execPath, entry: process.argv[1] ?? 'taskmaster' })], values.out ?? '/etc/systemd/system');
    } else {
      await emit(formats[format as keyof typeof formats](config, values.image ?? 'debian:bookworm-slim'), values.out);
    }
  } catch (error) {
    process.stderr.write(`taskmaster: cannot write the export: ${(error as Error).message}\n`);
    return 1;
  }
  return 0;
}
