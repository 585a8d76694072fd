import type { SupervisorApi, ProcessInfo } from '../contracts/supervisor-api.js';
import type { ProgressVerb } from './command-row.js';

const settledStates: Record<ProgressVerb, readonly string[]> = {
  starting: ['RUNNING', 'FATAL', 'STOPPED', 'EXITED'],
  stopping: ['STOPPED', 'EXITED', 'FATAL'],
  restarting: ['RUNNING', 'FATAL', 'EXITED'],
};

/**
 * Runs a long action while writing how many of its processes are done and what is still
 * awaited. The event stream is open before the action starts.
 */
export async function withProgress<T>(api: SupervisorApi, write: (text: string) => void, verb: ProgressVerb, names: readonly string[], action: () => Promise<T>): Promise<T> {
  const targets = new Set((await api.status(names).catch(() => [] as ProcessInfo[])).map((process) => process.name));
  if (targets.size < 2) return action();
  const settled = new Set<string>();
  const finalStates = settledStates[verb];
  const controller = new AbortController();
  const render = (): void => {
    const waiting = [...targets].filter((name) => !settled.has(name));
    const shown = waiting.slice(0, 3).join(', ') + (waiting.length > 3 ? ', ...' : '');
    write(`\r\x1b[K${verb}: ${settled.size}/${targets.size} done${waiting.length > 0 ? `, waiting for ${shown}` : ''}`);
  };
  let subscribed: () => void = () => {};
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  const watching = api.watchEvents((event) => {
    if (event.type === 'snapshot') {
      render();
      subscribed();
      return;
    }
    if (event.type !== 'state' || !targets.has(event.process.name)) return;
    if (finalStates.includes(event.process.state)) settled.add(event.process.name);
    render();
  }, controller.signal).catch(() => subscribed());
  await ready;
  try {
    return await action();
  } finally {
    controller.abort();
    await watching;
    write('\r\x1b[K');
  }
}
