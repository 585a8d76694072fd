import type { WatchedEvent } from '../api/supervisor-api.js';
import type { Supervisor } from '../engine/supervisor.js';

/** Holds the sampler on for one watcher and sends it each pass; returns the release. */
export function watchResources(supervisor: Supervisor, onEvent: (event: WatchedEvent) => void): () => void {
  const onSample = (): void => {
    const nowMs = Date.now();
    const processes = supervisor.processes().map((process) => ({ name: process.fullName, ...supervisor.resourcesOf(process, nowMs) }));
    onEvent({ type: 'resources', at: nowMs, processes });
  };
  supervisor.resources.on('sample', onSample);
  const release = supervisor.resources.watch();
  return () => {
    supervisor.resources.off('sample', onSample);
    release();
  };
}
