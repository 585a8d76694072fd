import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError } from './config-error.js';
import { loadConfigVersion } from './load-config.js';
import { parseConfig, type ConfigOverrides } from './parse-config.js';

/** Worker entry: reads, parses and validates one config, then posts the result or the issues. */
const { file, text, overrides } = workerData as { file: string; text?: string; overrides: ConfigOverrides };
const loading = text === undefined ? loadConfigVersion(file, overrides) : Promise.resolve().then(() => ({ config: parseConfig(text, file, overrides), version: { sha256: '', bytes: Buffer.byteLength(text) } }));
loading.then(
  ({ config, version }) => parentPort?.postMessage({ ok: true, config, version }),
  (error: unknown) => {
    if (error instanceof ConfigError) parentPort?.postMessage({ ok: false, issues: error.issues });
    else parentPort?.postMessage({ ok: false, message: (error as Error)?.message ?? String(error) });
  },
);
