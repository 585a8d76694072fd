import type { ActionResult, LogSource, ProcessEventMessage, SupervisorStreams, WatchedEvent, WatchOptions } from '../api/supervisor-api.js';
import { readLastLines } from '../control/read-tail.js';
import { TaskmasterError } from '../errors.js';
import { truncateLogFile } from '../output/open-log-file.js';
import { watchResources } from '../features/watch-resources.js';
import type { Supervisor } from './supervisor.js';

/** What may wait for a child that does not read its stdin; beyond it, writers get E_STDIN_FULL. */
export const maxQueuedStdinBytes = 1024 * 1024;

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** The streaming half of the API, served in-process from a running supervisor. */
export class LocalStreams implements SupervisorStreams {
  constructor(private readonly supervisor: Supervisor) {}

  private single(name: string) {
    const processes = this.supervisor.findProcesses([name]);
    if (processes.length !== 1) {
      throw new TaskmasterError('E_BAD_REQUEST', `${name} names ${processes.length} processes; name one process`);
    }
    return processes[0]!;
  }

  private capturedProcess(source: LogSource & { kind: 'process' }) {
    const process = this.single(source.name);
    if (!process.output.isCaptured(source.stream)) {
      const why = source.stream === 'stderr' && process.program.redirectStderr ? 'goes to stdout (redirect_stderr)' : 'is discarded';
      throw new TaskmasterError('E_NOT_FOUND', `${source.name} ${source.stream} ${why}, nothing to show`);
    }
    return process;
  }

  async tail(source: LogSource, lines: number): Promise<string> {
    if (source.kind === 'events') return (await readLastLines(this.supervisor.log.file, lines)).text;
    const process = this.capturedProcess(source);
    const path = process.output.path(source.stream);
    // Streams without a file (inherit) are read from the in-memory ring.
    return path === null ? process.output.recent(source.stream, lines) : (await readLastLines(path, lines)).text;
  }

  async follow(source: LogSource, onText: (text: string) => void, signal: AbortSignal): Promise<void> {
    if (source.kind === 'events') {
      const listener = (line: string): void => onText(line);
      this.supervisor.log.on('line', listener);
      try {
        await waitForAbort(signal);
      } finally {
        this.supervisor.log.off('line', listener);
      }
      return;
    }
    const process = this.capturedProcess(source);
    const unsubscribe = process.output.subscribe((stream, chunk) => {
      if (stream === source.stream) onText(chunk.toString('utf8'));
    });
    try {
      await waitForAbort(signal);
    } finally {
      unsubscribe();
    }
  }

  async watchEvents(onEvent: (event: WatchedEvent) => void, signal: AbortSignal, options: WatchOptions = {}): Promise<void> {
    const listener = (event: ProcessEventMessage): void => onEvent(event);
    let release = (): void => {};
    try {
      onEvent({ type: 'snapshot', processes: await this.supervisor.status() });
      this.supervisor.on('state', listener);
      // Sampling starts after the snapshot, so the snapshot stays the first event.
      if (options.resources && !signal.aborted) release = watchResources(this.supervisor.resources, () => this.supervisor.resourceEvent(), onEvent);
      await waitForAbort(signal);
    } finally {
      this.supervisor.off('state', listener);
      release();
    }
  }

  async writeStdin(name: string, data: string): Promise<void> {
    const stdin = this.single(name).stdin;
    if (!stdin || stdin.destroyed) throw new TaskmasterError('E_NOT_RUNNING', `${name} is not running`);
    const queuedBytes = stdin.writableLength;
    const dataBytes = Buffer.byteLength(data);
    if (queuedBytes + dataBytes > maxQueuedStdinBytes) {
      throw new TaskmasterError('E_STDIN_FULL', `${name} is not reading its stdin: ${queuedBytes} bytes wait for it already and at most ${maxQueuedStdinBytes} may; try again once it reads`, { queuedBytes, dataBytes, maxQueuedStdinBytes });
    }
    stdin.write(data);
  }

  async clear(name: string): Promise<ActionResult[]> {
    const results: ActionResult[] = [];
    for (const process of this.supervisor.findProcesses([name])) {
      process.output.clear();
      const problems: string[] = [];
      for (const stream of ['stdout', 'stderr'] as const) {
        const path = process.output.path(stream);
        if (path === null) continue;
        const open = this.supervisor.outputs.get(path);
        try {
          // A file nobody writes now is opened like an output file, so a planted link is not truncated.
          if (open) open.truncateNow();
          else truncateLogFile(path, process.program.logFileMode);
        } catch (error) {
          problems.push(`cannot clear ${path}: ${(error as Error).message}`);
        }
      }
      results.push({ name: process.fullName, ok: problems.length === 0, state: process.state, message: problems.length === 0 ? 'cleared' : problems.join('; ') });
    }
    return results;
  }
}
