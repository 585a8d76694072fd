import { Worker } from 'node:worker_threads';
import { ConfigError, type ConfigIssue } from './config-error.js';
import type { ConfigOverrides } from './parse-config.js';
import type { ConfigVersion } from './read-config-file.js';
import { freezeConfig } from './freeze-config.js';
import type { SupervisorConfig } from './types.js';

/** How long a parse may take, and how much memory it may use, before it counts as failed. */
export const offThreadLimits = { timeoutMs: 120_000, maxHeapMb: 2048 } as const;

type WorkerReply =
  | { ok: true; config: SupervisorConfig; version: ConfigVersion }
  | { ok: false; issues: ConfigIssue[] }
  | { ok: false; message: string };

/**
 * Loads a config in a worker thread, so a big or slow file never stalls supervision.
 * Resolves like loadConfigVersion; rejects with a ConfigError, or an Error if the worker failed.
 */
export function loadConfigOffThread(file: string, overrides: ConfigOverrides = {}, text?: string): Promise<{ config: SupervisorConfig; version: ConfigVersion }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./config-worker.js', import.meta.url), {
      // With `text`, that text is checked as if it were the file's (a change not written yet).
      workerData: { file, text, overrides: { logFile: overrides.logFile, socket: overrides.socket, supervisord: overrides.supervisord } },
      resourceLimits: { maxOldGenerationSizeMb: offThreadLimits.maxHeapMb },
      stdout: false,
      stderr: false,
    });
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
      void worker.terminate();
    };
    const timer = setTimeout(() => settle(() => reject(new Error(`Cannot load config ${file}: parsing took more than ${offThreadLimits.timeoutMs} ms`))), offThreadLimits.timeoutMs);
    worker.once('message', (reply: WorkerReply) =>
      settle(() => {
        if (reply.ok) resolve({ config: freezeConfig(reply.config), version: reply.version });
        else if ('issues' in reply) reject(new ConfigError(reply.issues));
        else reject(new Error(`Cannot load config ${file}: ${reply.message}`));
      }),
    );
    worker.once('error', (error) => settle(() => reject(new Error(`Cannot load config ${file}: ${error.message}`))));
    worker.once('exit', (code) => settle(() => reject(new Error(`Cannot load config ${file}: the parser stopped (exit ${code})`))));
  });
}
