import type { ResourceSample } from '../contracts/resource-types.js';

export type { ResourceSample };

/** Numbers kept per sample: at, cpuPercent, rssBytes, openFds (NaN for null). */
const fieldsPerSample = 4;
/** Samples room is first made for; it doubles as the ring fills, up to its capacity. */
const initialRoom = 8;

/**
 * The last `capacity` samples of one process, oldest first, in bounded memory: the numbers
 * of every sample in one Float64Array (32 bytes a sample, where an object each was ~90),
 * which grows as the ring fills, so a fresh process holds only what it sampled.
 */
export class SampleRing {
  private values = new Float64Array(0);
  private next = 0;
  private size = 0;

  constructor(private readonly capacity: number) {}

  /** Bytes the ring holds for its samples: at most capacity × 32 however many were pushed. */
  get storedBytes(): number {
    return this.values.byteLength;
  }

  push(sample: ResourceSample): void {
    if (this.capacity === 0) return;
    if (this.size === this.room && this.room < this.capacity) this.grow();
    const offset = this.next * fieldsPerSample;
    this.values[offset] = sample.at;
    this.values[offset + 1] = sample.cpuPercent;
    this.values[offset + 2] = sample.rssBytes;
    this.values[offset + 3] = sample.openFds ?? Number.NaN;
    this.next = (this.next + 1) % this.room;
    this.size = Math.min(this.size + 1, this.room);
  }

  get last(): ResourceSample | undefined {
    return this.size === 0 ? undefined : this.sampleAt((this.next - 1 + this.room) % this.room);
  }

  list(): ResourceSample[] {
    const start = (this.next - this.size + this.room) % this.room;
    return Array.from({ length: this.size }, (_, offset) => this.sampleAt((start + offset) % this.room));
  }

  private get room(): number {
    return this.values.length / fieldsPerSample;
  }

  /** Called only while the ring is full and below capacity: its samples move, oldest first, to a room twice as big. */
  private grow(): void {
    const room = Math.min(this.capacity, Math.max(initialRoom, this.room * 2));
    const values = new Float64Array(room * fieldsPerSample);
    for (let offset = 0; offset < this.size; offset += 1) {
      const from = ((this.next + offset) % this.room) * fieldsPerSample;
      values.set(this.values.subarray(from, from + fieldsPerSample), offset * fieldsPerSample);
    }
    this.values = values;
    this.next = this.size;
  }

  private sampleAt(slot: number): ResourceSample {
    const offset = slot * fieldsPerSample;
    const openFds = this.values[offset + 3]!;
    return { at: this.values[offset]!, cpuPercent: this.values[offset + 1]!, rssBytes: this.values[offset + 2]!, openFds: Number.isNaN(openFds) ? null : openFds };
  }
}
