import type { ResourceSample } from '../contracts/resource-types.js';

export type { ResourceSample };

/** The last `capacity` samples of one process, oldest first, in fixed memory. */
export class SampleRing {
  private readonly slots: (ResourceSample | undefined)[];
  private next = 0;
  private size = 0;

  constructor(private readonly capacity: number) {
    this.slots = new Array<ResourceSample | undefined>(capacity);
  }

  push(sample: ResourceSample): void {
    this.slots[this.next] = sample;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  get last(): ResourceSample | undefined {
    return this.size === 0 ? undefined : this.slots[(this.next - 1 + this.capacity) % this.capacity];
  }

  list(): ResourceSample[] {
    const start = (this.next - this.size + this.capacity) % this.capacity;
    return Array.from({ length: this.size }, (_, offset) => this.slots[(start + offset) % this.capacity]!);
  }
}
