import type { MetricsSnapshot, ProcessResources, ProcessSamples, ResourceEventMessage } from '../contracts/resource-types.js';
import type { ProcessInfo } from '../contracts/process-info.js';
import { fullNamesOf } from '../config/process-names.js';
import type { ProgramConfig } from '../config/types.js';
import type { ManagedProcess } from '../engine/managed-process.js';
import type { ProcessState } from '../engine/state-machine.js';
import type { RunHistory } from '../features/run-history.js';
import { ResourceSampler, type SampledProcess } from '../features/resource-sampler.js';
import { readSelfResources } from '../features/self-resources.js';
import { VERSION } from '../version.js';

/** What the supervisor shares with its resource sampler. */
export interface ResourceHost {
  processes(): ManagedProcess[];
  find(names: readonly string[]): ManagedProcess[];
  programs(): Iterable<ProgramConfig>;
  historyOf(process: ManagedProcess): RunHistory;
  status(): ProcessInfo[];
}

/** CPU, memory and restarts of every process, read from /proc only while someone watches or scrapes. */
export class SupervisorResources {
  readonly sampler: ResourceSampler;

  constructor(private readonly host: ResourceHost) {
    this.sampler = new ResourceSampler(() => host.processes().map((process) => this.sampledOf(process)));
  }

  private sampledOf(process: ManagedProcess): SampledProcess {
    return { key: process, name: process.fullName, pid: process.snapshot.pid, startedAtMs: this.host.historyOf(process).last()?.startedAt ?? null };
  }

  noteChange(process: ManagedProcess, previous: ProcessState): void {
    this.sampler.noteChange(process, process.snapshot, previous);
  }

  /** Restarts always; CPU and memory while someone watches. */
  fieldsOf(process: ManagedProcess, nowMs = Date.now()): ProcessResources {
    return this.sampler.fieldsOf(this.sampledOf(process), nowMs);
  }

  /** Every process's resource fields, as the event stream sends them after a sampling pass. */
  event(nowMs = Date.now()): ResourceEventMessage {
    return { type: 'resources', at: nowMs, processes: this.host.processes().map((process) => ({ name: process.fullName, ...this.fieldsOf(process, nowMs) })) };
  }

  samples(names: readonly string[]): ProcessSamples[] {
    const processes = names.length === 0 ? this.host.processes() : this.host.find(names);
    return processes.map((process) => ({ name: process.fullName, intervalMs: this.sampler.options.ringIntervalMs, samples: this.sampler.samplesOf(process) }));
  }

  async metrics(): Promise<MetricsSnapshot> {
    await this.sampler.sampleNow();
    const scheduledPrograms = [...this.host.programs()].filter((program) => program.schedule !== null).flatMap(fullNamesOf);
    return {
      version: VERSION,
      pid: process.pid,
      supervisor: await readSelfResources(),
      samplingPasses: this.sampler.passes,
      samplingWatchers: this.sampler.watcherCount,
      processes: this.host.status(),
      scheduledPrograms,
    };
  }
}
