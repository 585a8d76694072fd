import type { ResourceEventMessage } from '../contracts/resource-types.js';
import type { ResourceSampler } from './resource-sampler.js';

/** Holds the sampler on for one watcher and sends it each pass; returns the release. */
export function watchResources(sampler: ResourceSampler, describe: () => ResourceEventMessage, onEvent: (event: ResourceEventMessage) => void): () => void {
  const onSample = (): void => onEvent(describe());
  sampler.on('sample', onSample);
  const release = sampler.watch();
  return () => {
    sampler.off('sample', onSample);
    release();
  };
}
