/** Sends a signal; false when the target is gone (or was never ours to signal). */
export function killQuietly(target: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch {
    return false;
  }
}

/** Signals the process group when asked and it exists, the process alone otherwise. */
export function sendSignal(pid: number, signal: NodeJS.Signals, group: boolean): void {
  if (group && killQuietly(-pid, signal)) return;
  killQuietly(pid, signal);
}
