import { loadReaperAddon } from '../engine/child-reaper.js';

/**
 * The calls of the native addon a feature needs, or an error that says which feature cannot
 * work and why (not built, or built from an older source); `loaded` is the loader's answer.
 */
export function nativeCalls<T extends object>(
  feature: string,
  code: string,
  calls: readonly (keyof T & string)[],
  loaded: ReturnType<typeof loadReaperAddon> = loadReaperAddon(),
): Required<T> {
  const addon = 'addon' in loaded ? (loaded.addon as unknown as Partial<Record<string, unknown>>) : null;
  const missing = addon ? calls.filter((call) => typeof addon[call] !== 'function') : calls;
  if (addon && missing.length === 0) return addon as unknown as Required<T>;
  const reason = 'error' in loaded ? `${loaded.error}; build it with npm rebuild (needs python3, make and g++)` : `the addon predates it (no ${missing.join(', ')}): run npm rebuild`;
  throw Object.assign(new Error(`${feature} needs the native addon: ${reason}`), { code });
}
