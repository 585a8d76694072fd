import type { ProgramConfig, SupervisorConfig } from './types.js';

/** Freezes a value and everything it holds, so a loaded config cannot change under the engine. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The freeze stage; also run on a config that came from the reload worker, as cloning drops freezing. */
export function freezeConfig(config: SupervisorConfig): SupervisorConfig {
  for (const program of config.programs.values()) deepFreeze<ProgramConfig>(program);
  if (config.http) deepFreeze(config.http);
  if (config.supervisord) deepFreeze(config.supervisord);
  return Object.freeze(config);
}
