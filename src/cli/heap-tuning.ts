import { setFlagsFromString } from 'node:v8';

/**
 * V8's heap sized for a supervisor, whose live objects are few and long-lived. Imported
 * first, before anything allocates; both flags are read each time V8 sizes a space, so
 * they take effect at run time (unlike --max-semi-space-size, fixed at start-up).
 * - The young generation stays at its initial 1 MiB semi-space instead of growing to
 *   16 MiB in the start burst: two semi-spaces of 16 MiB were ~28 MB of RSS at 1000 processes.
 * - The old generation is collected once it grows 20 % past what survived the last full
 *   collection, not up to 4x: the start burst's garbage (spawn options, env copies)
 *   otherwise stays committed, ~20 MB at 1000 processes, until V8's idle-time reducer runs.
 */
export const heapFlags = ['--semi-space-growth-factor=1', '--heap-growing-percent=20'] as const;
for (const flag of heapFlags) setFlagsFromString(flag);
