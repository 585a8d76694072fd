import { TaskmasterError } from '../contracts/errors.js';
import { remoteCommunicationEvent, type ProcessEventMessage, type RemoteCommunicationMessage, type SupervisorEvent, type WatchOptions } from '../contracts/process-events.js';
import type { MetricsSnapshot, ProcessSamples } from '../contracts/resource-types.js';
import type { ProcessInfo } from '../contracts/process-info.js';
import type { TerminalAttachment, TerminalSize, TerminalViewer } from '../contracts/terminal-attach.js';
import type { ActionResult, LogRange, LogSource, ProcessHistory, ProgramChangeResult, ProgramEntrySpec, ProgramSummary, ReloadResult, SupervisorApi } from '../contracts/supervisor-api.js';
import { truncateLogFile } from '../output/open-log-file.js';
import { lastBytesOf, readLastBytes } from '../output/read-last-bytes.js';
import { maxTailLines, readLastLines, readRange } from '../output/read-tail.js';
import { watchResources } from '../features/watch-resources.js';
import { VERSION } from '../version.js';
import type { Supervisor } from './supervisor.js';

/** What may wait for a child that does not read its stdin; beyond it, writers get E_STDIN_FULL. */
export const maxQueuedStdinBytes = 1024 * 1024;

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** The one API served in-process from a running supervisor; the socket server and the shell use it. */
export class LocalApi implements SupervisorApi {
  constructor(private readonly supervisor: Supervisor) {}

  async status(names: readonly string[] = []): Promise<ProcessInfo[]> {
    return this.supervisor.status(names);
  }

  start(names: readonly string[]): Promise<ActionResult[]> {
    return this.supervisor.start(names);
  }

  stop(names: readonly string[]): Promise<ActionResult[]> {
    return this.supervisor.stop(names);
  }

  restart(names: readonly string[]): Promise<ActionResult[]> {
    return this.supervisor.restart(names);
  }

  async signal(signal: string, names: readonly string[]): Promise<ActionResult[]> {
    return this.supervisor.signal(signal, names);
  }

  reload(): Promise<ReloadResult> {
    return this.supervisor.reload();
  }

  reread(): Promise<ReloadResult> {
    return this.supervisor.reread();
  }

  // Loaded on first use, as the config writer behind them: nothing of it is opened at start.
  async addProgram(spec: ProgramEntrySpec): Promise<ProgramChangeResult> {
    return (await import('./program-changes.js')).addProgram(this.supervisor, spec);
  }

  async removeProgram(name: string): Promise<ProgramChangeResult> {
    return (await import('./program-changes.js')).removeProgram(this.supervisor, name);
  }

  async avail(): Promise<ProgramSummary[]> {
    return this.supervisor.avail();
  }

  shutdown(): Promise<void> {
    return this.supervisor.shutdown();
  }

  async version(): Promise<string> {
    return VERSION;
  }

  async pid(): Promise<number> {
    return process.pid;
  }

  async identification(): Promise<string> {
    return this.supervisor.identifier;
  }

  async clearEventLog(): Promise<void> {
    this.supervisor.log.clear();
  }

  async history(name: string): Promise<ProcessHistory[]> {
    return this.supervisor.history(name);
  }

  async samples(names: readonly string[]): Promise<ProcessSamples[]> {
    return this.supervisor.resources.samples(names);
  }

  async metrics(): Promise<MetricsSnapshot> {
    return this.supervisor.resources.metrics();
  }

  private single(name: string) {
    const processes = this.supervisor.table.find([name]);
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

  async tail(source: LogSource, lines: number, bytes?: number): Promise<string> {
    const readFile = async (path: string): Promise<string> => (bytes === undefined ? (await readLastLines(path, lines)).text : readLastBytes(path, bytes));
    if (source.kind === 'events') return readFile(this.supervisor.log.file);
    const process = this.capturedProcess(source);
    const path = process.output.path(source.stream);
    if (path !== null) return readFile(path);
    // Streams without a file (inherit) are read from the in-memory ring.
    const recent = process.output.recent(source.stream, bytes === undefined ? lines : maxTailLines);
    return bytes === undefined ? recent : lastBytesOf(recent, bytes);
  }

  async readLogRange(source: LogSource, start: number, lengthBytes: number): Promise<LogRange> {
    const path = source.kind === 'events' ? this.supervisor.log.file : this.capturedProcess(source).output.path(source.stream);
    const range = path === null ? null : await readRange(path, start, lengthBytes);
    if (range === null) throw new TaskmasterError('E_NOT_FOUND', `${source.kind === 'events' ? 'the event log' : `${source.name} ${source.stream}`} has no log file${path === null ? '' : ` (${path})`}`, { path });
    // Invalid UTF-8 becomes U+FFFD: a log is shown, never refused.
    return { text: range.bytes.toString('utf8'), start: range.start, sizeBytes: range.size };
  }

  stageConfig(): Promise<ReloadResult> {
    return this.supervisor.reloader.stage();
  }

  activateProgram(name: string): Promise<void> {
    return this.supervisor.reloader.activateProgram(name);
  }

  deactivateProgram(name: string): Promise<void> {
    return this.supervisor.reloader.deactivateProgram(name);
  }

  async sendRemoteCommEvent(eventType: string, data: string): Promise<void> {
    const message: RemoteCommunicationMessage = { type: 'remote_communication', eventType, data };
    this.supervisor.emit(remoteCommunicationEvent, message);
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

  async watchEvents(onEvent: (event: SupervisorEvent) => void, signal: AbortSignal, options: WatchOptions = {}): Promise<void> {
    // Subscribe before the snapshot: a change between the two would be lost. Changes after the snapshot wait until it is sent.
    const pending: ProcessEventMessage[] = [];
    let snapshotSent = false;
    const listener = (event: ProcessEventMessage): void => {
      if (snapshotSent) onEvent(event);
      else pending.push(event);
    };
    let release = (): void => {};
    this.supervisor.on('state', listener);
    try {
      const processes = await this.status();
      onEvent({ type: 'snapshot', processes });
      snapshotSent = true;
      for (const event of pending.splice(0)) onEvent(event);
      // Sampling starts after the snapshot, so the snapshot stays the first event.
      if (options.resources && !signal.aborted) release = watchResources(this.supervisor.resources.sampler, () => this.supervisor.resources.event(), onEvent);
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

  async attachTerminal(name: string, size: TerminalSize, viewer: TerminalViewer): Promise<TerminalAttachment> {
    const process = this.single(name);
    if (!process.program.tty) throw new TaskmasterError('E_NOT_A_TERMINAL', `${process.fullName} has no terminal (tty: false): fg shows its output and sends typed lines instead`);
    const terminal = process.snapshot.pid === null ? null : process.terminal;
    if (!terminal) throw new TaskmasterError('E_NOT_RUNNING', `${process.fullName} is not running`);
    return terminal.attach(viewer, size);
  }

  async clear(name: string): Promise<ActionResult[]> {
    const results: ActionResult[] = [];
    for (const process of this.supervisor.table.find([name])) {
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
