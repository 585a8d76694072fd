import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import type { ProcessResources } from '../contracts/resource-types.js';
import { readProc } from './proc-stat.js';
import { SampleRing, type ResourceSample } from './sample-ring.js';

/** What the sampler needs of a process; `key` is the process object, so a reload's new process starts afresh. */
export interface SampledProcess {
  readonly key: object;
  readonly name: string;
  readonly pid: number | null;
  readonly startedAtMs: number | null;
}

export interface SamplerOptions {
  /** How often to read /proc while someone watches. */
  readonly intervalMs: number;
  /** At most one chart point per this interval. */
  readonly ringIntervalMs: number;
  readonly ringCapacity: number;
}

export const defaultSamplerOptions: SamplerOptions = { intervalMs: 5000, ringIntervalMs: 10_000, ringCapacity: 360 };

/** A reading older than this is not shown in status: it would describe the past as now. */
const freshForMs = 30_000;
/** Processes read between two turns of the event loop: about 5 ms of /proc reads. */
const processesPerSlice = 100;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** What the sampler hears of a state change. */
export interface ChangeSeen {
  readonly state: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
}

interface Track {
  starts: number;
  lastExitCode: number | null;
  pid: number | null;
  startTicks: number;
  cpuSeconds: number;
  cpuPercent: number;
  rssBytes: number;
  openFds: number | null;
  readAtMs: number;
  lastRingAtMs: number;
  readonly ring: SampleRing;
}

/**
 * CPU, memory and descriptors of each process from /proc, read only while someone watches
 * (a timer runs while watch() is held) or when asked (a scrape): idle, it costs nothing.
 */
export class ResourceSampler extends EventEmitter {
  private watchers = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly tracks = new WeakMap<object, Track>();
  private pass: Promise<void> | null = null;
  private lastPassAtMs = 0;
  /** Sampling passes done, for tests that check an idle supervisor reads nothing. */
  passes = 0;

  constructor(
    private readonly list: () => readonly SampledProcess[],
    readonly options: SamplerOptions = defaultSamplerOptions,
  ) {
    super();
  }

  /** How many hold sampling on (event streams, top, the dashboard). */
  get watcherCount(): number {
    return this.watchers;
  }

  get isSampling(): boolean {
    return this.timer !== null;
  }

  /** Samples on a timer until the returned release is called; each holder counts once. */
  watch(): () => void {
    this.watchers += 1;
    if (this.timer === null) {
      const tick = (): void => void this.sampleNow(0).then(() => this.emit('sample'));
      this.timer = setInterval(tick, this.options.intervalMs);
      this.timer.unref();
      tick();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.watchers -= 1;
      if (this.watchers === 0 && this.timer !== null) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  /** Reads every running process unless a pass ended less than maxAgeMs ago; concurrent callers share one pass. */
  sampleNow(maxAgeMs = 1000): Promise<void> {
    if (this.pass) return this.pass;
    if (Date.now() - this.lastPassAtMs < maxAgeMs) return Promise.resolve();
    this.pass = this.readAll().finally(() => {
      this.pass = null;
      this.lastPassAtMs = Date.now();
    });
    return this.pass;
  }

  private trackOf(key: object): Track {
    let track = this.tracks.get(key);
    if (!track) {
      track = { starts: 0, lastExitCode: null, pid: null, startTicks: 0, cpuSeconds: 0, cpuPercent: 0, rssBytes: 0, openFds: null, readAtMs: 0, lastRingAtMs: 0, ring: new SampleRing(this.options.ringCapacity) };
      this.tracks.set(key, track);
    }
    return track;
  }

  /** Counts spawns and keeps the last exit code past the next spawn; cheap, so known without any watcher. */
  noteChange(key: object, seen: ChangeSeen, previous: string): void {
    const track = this.trackOf(key);
    if (seen.state === 'STARTING' && previous !== 'STARTING') track.starts += 1;
    // Killed by a signal reads as the shell says it: 128 plus the signal number.
    if (seen.exitCode !== null) track.lastExitCode = seen.exitCode;
    else if (seen.signal !== null) track.lastExitCode = 128 + (constants.signals[seen.signal as NodeJS.Signals] ?? 0);
  }

  private async readAll(): Promise<void> {
    this.passes += 1;
    const running = this.list().filter((process) => process.pid !== null);
    for (let index = 0; index < running.length; index += processesPerSlice) {
      if (index > 0) await nextTurn();
      for (const process of running.slice(index, index + processesPerSlice)) this.readOne(process);
    }
  }

  private readOne(process: SampledProcess): void {
    const pid = process.pid!;
    const reading = readProc(pid);
    if (reading === null) return;
    const track = this.trackOf(process.key);
    const nowMs = Date.now();
    const samePid = track.pid === pid && track.startTicks === reading.startTicks;
    // A new run has no previous reading: its lifetime average stands in until the next one.
    const sinceMs = samePid ? nowMs - track.readAtMs : nowMs - (process.startedAtMs ?? nowMs);
    const usedSeconds = samePid ? reading.cpuSeconds - track.cpuSeconds : reading.cpuSeconds;
    track.cpuPercent = sinceMs > 0 ? Math.max(0, Math.round((usedSeconds / (sinceMs / 1000)) * 1000) / 10) : 0;
    track.pid = pid;
    track.startTicks = reading.startTicks;
    track.cpuSeconds = reading.cpuSeconds;
    track.rssBytes = reading.rssBytes;
    track.openFds = reading.openFds;
    track.readAtMs = nowMs;
    if (nowMs - track.lastRingAtMs >= this.options.ringIntervalMs) {
      track.lastRingAtMs = nowMs;
      track.ring.push({ at: nowMs, cpuPercent: track.cpuPercent, rssBytes: track.rssBytes, openFds: track.openFds });
    }
  }

  /** The status fields of a process: restarts always, the rest from a fresh reading of its current run. */
  fieldsOf(process: SampledProcess, nowMs = Date.now()): ProcessResources {
    const track = this.tracks.get(process.key);
    if (!track) return { restarts: 0 };
    const counted = { restarts: Math.max(0, track.starts - 1), ...(track.lastExitCode === null ? {} : { lastExitCode: track.lastExitCode }) };
    if (process.pid === null || track.pid !== process.pid || nowMs - track.readAtMs > freshForMs) return counted;
    return { ...counted, cpuPercent: track.cpuPercent, cpuSeconds: track.cpuSeconds, rssBytes: track.rssBytes, ...(track.openFds === null ? {} : { openFds: track.openFds }) };
  }

  samplesOf(key: object): ResourceSample[] {
    return this.tracks.get(key)?.ring.list() ?? [];
  }
}
