import { join } from 'node:path';

/** Where the control socket is when neither the config nor the command line says. */
export function defaultSocketPath(): string {
  const runtimeDir = process.env['XDG_RUNTIME_DIR'];
  if (runtimeDir) return join(runtimeDir, 'taskmaster', 'taskmaster.sock');
  const uid = process.getuid?.() ?? 0;
  return join('/tmp', `taskmaster-${uid}`, 'taskmaster.sock');
}
