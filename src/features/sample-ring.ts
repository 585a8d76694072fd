import type { ResourceSample } from '../contracts/resource-types.js';

export type { ResourceSample };

/** The last `capacity` samples of one process, oldest first, in bounded memory. */
export class SampleRing {
  /** Grows one sample at a time up to `capacity`: a fleet of fresh processes holds no empty slots (360 of them were 2.9 KB each). */
  private readonly slots: ResourceSample[] = [];
  private next = 0;
  private size = 0;

  constructor(private readonly capacity: number) {}

  push(sample: ResourceSample): void {
    if (this.slots.length < this.capacity) this.slots.push(sample);
    else this.slots[this.next] = sample;
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
