import { eventsUrl } from './api.js';
import { exitReason, formatBytes, lastExit } from './format.js';
import type { ProcessInfo, ResourceSample } from './types.js';

export type Connection = 'connecting' | 'live' | 'lost';

/** A state event's process replaces the old object, so a row re-renders only when its object changes. */
interface StateEvent {
  readonly type: 'state';
  readonly process: ProcessInfo;
  readonly previous: string;
}

const hourMs = 60 * 60 * 1000;
/** Per process, at most this many resource points seen on the stream (one hour at one a minute is 60). */
const maxSeenSamples = 360;

interface ResourcesEvent {
  readonly type: 'resources';
  readonly at: number;
  readonly processes: readonly { name: string; restarts?: number; cpuPercent?: number; rssBytes?: number }[];
}

/** The process with the sampler's latest figures; a process that does not run has none. */
function withResources(process: ProcessInfo, entry: ResourcesEvent['processes'][number]): ProcessInfo {
  const { cpuPercent: _cpu, rssBytes: _rss, restarts: _restarts, ...rest } = process;
  return {
    ...rest,
    ...(entry.restarts === undefined ? (process.restarts === undefined ? {} : { restarts: process.restarts }) : { restarts: entry.restarts }),
    ...(entry.cpuPercent === undefined ? {} : { cpuPercent: entry.cpuPercent }),
    ...(entry.rssBytes === undefined ? {} : { rssBytes: entry.rssBytes }),
  };
}

/** What the row prints of the resources, to tell whether a new reading changes the screen. */
function shownResources(process: ProcessInfo): string {
  return `${process.restarts ?? ''}|${process.cpuPercent?.toFixed(1) ?? ''}|${process.rssBytes === undefined || process.rssBytes === null ? '' : formatBytes(process.rssBytes)}`;
}

/** A restart: a new start after a run ended, whether by itself (EXITED, BACKOFF) or by a stop. */
function isRestart(event: StateEvent, before: ProcessInfo | undefined): boolean {
  if (event.process.state !== 'STARTING' || event.previous === 'STARTING') return false;
  return event.previous === 'EXITED' || event.previous === 'BACKOFF' || (before?.stoppedAt ?? null) !== null;
}

/**
 * Every process, live from `GET /v1/events`: a snapshot, then one event per change. The
 * stream is the only source; nothing is polled. A lost stream is retried with a growing delay.
 */
export class FleetStore {
  processes = new Map<string, ProcessInfo>();
  connection: Connection = 'connecting';
  /** When the stream last (re)connected, and how many times it was lost. */
  lostCount = 0;
  /** Restarts seen while the page was open, newest last (ms since the epoch). */
  readonly restartTimes: number[] = [];
  readonly restartsSeen = new Map<string, number>();
  readonly seenSamples = new Map<string, ResourceSample[]>();
  /** How each process's last run ended, kept after it runs again (the process object then forgets it). */
  readonly lastExits = new Map<string, { exit: string; why: string }>();
  /** When the last event arrived, for the latency figure (performance.now()). */
  lastEventAt = 0;
  /** The same moment as Date.now(), to compare with clocks outside the page. */
  lastEventWallMs = 0;
  private source: EventSource | null = null;
  private retryMs = 500;
  private retryTimer: number | undefined;
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  connect(): void {
    this.source?.close();
    const source = new EventSource(eventsUrl());
    this.source = source;
    source.addEventListener('snapshot', (message) => {
      const { processes } = JSON.parse((message as MessageEvent<string>).data) as { processes: ProcessInfo[] };
      this.processes = new Map(processes.map((process) => [process.name, process]));
      processes.forEach((process) => {
        this.noteExit(process);
        this.noteSample(process);
      });
      this.connection = 'live';
      this.retryMs = 500;
      this.lastEventAt = performance.now();
      this.changed();
    });
    source.addEventListener('state', (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as StateEvent;
      const before = this.processes.get(event.process.name);
      if (isRestart(event, before)) {
        this.restartTimes.push(Date.now());
        this.restartsSeen.set(event.process.name, (this.restartsSeen.get(event.process.name) ?? 0) + 1);
        while (this.restartTimes.length > 0 && this.restartTimes[0]! < Date.now() - hourMs) this.restartTimes.shift();
      }
      // A reload adds processes; a removed one comes back in the next snapshot only, so a reload reconnects.
      this.processes.set(event.process.name, event.process);
      this.noteExit(event.process);
      this.noteSample(event.process);
      this.lastEventAt = performance.now();
      this.lastEventWallMs = Date.now();
      this.changed();
    });
    // The sampler's figures (metrics branch), every few seconds while a stream is open; absent elsewhere.
    source.addEventListener('resources', (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as ResourcesEvent;
      let changed = false;
      for (const entry of event.processes) {
        const before = this.processes.get(entry.name);
        if (before === undefined) continue;
        const after = withResources(before, entry);
        this.noteSample(after, event.at);
        // Only a change that shows on screen replaces the object, so idle rows are not re-rendered.
        if (shownResources(after) !== shownResources(before)) {
          this.processes.set(entry.name, after);
          changed = true;
        }
      }
      if (changed) this.changed();
    });
    source.addEventListener('error', () => {
      if (this.source !== source) return;
      // EventSource retries by itself after a dropped stream, but gives up on an HTTP error (401, 503); retry ourselves.
      source.close();
      this.connection = 'lost';
      this.lostCount += 1;
      this.changed();
      window.clearTimeout(this.retryTimer);
      this.retryTimer = window.setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    });
  }

  /** A fresh snapshot, e.g. after a reload removed processes. */
  reconnect(): void {
    this.retryMs = 500;
    this.connect();
  }

  restartsOf(process: ProcessInfo): { count: number; exact: boolean } {
    if (typeof process.restarts === 'number') return { count: process.restarts, exact: true };
    return { count: this.restartsSeen.get(process.name) ?? 0, exact: false };
  }

  lastExitOf(process: ProcessInfo): { exit: string; why: string } {
    const now = { exit: lastExit(process), why: exitReason(process) };
    return now.exit !== '' || now.why !== '' ? now : (this.lastExits.get(process.name) ?? now);
  }

  private noteExit(process: ProcessInfo): void {
    const exit = lastExit(process);
    if (exit !== '') this.lastExits.set(process.name, { exit, why: exitReason(process) });
  }

  private noteSample(process: ProcessInfo, at = Date.now()): void {
    if (typeof process.cpuPercent !== 'number' || typeof process.rssBytes !== 'number') return;
    const list = this.seenSamples.get(process.name) ?? [];
    if (list.length > 0 && list[list.length - 1]!.at >= at) return;
    list.push({ at, cpuPercent: process.cpuPercent, rssBytes: process.rssBytes });
    if (list.length > maxSeenSamples) list.shift();
    this.seenSamples.set(process.name, list);
  }
}
