import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { OutputTarget, ProgramConfig } from '../config/types.js';
import type { LogFile } from '../output/log-file.js';
import type { OutputFiles } from '../output/output-files.js';
import { captureCommunication } from '../output/comm-capture.js';
import { pumpOutput, type Sink } from '../output/output-pump.js';
import { RingBuffer } from '../output/ring-buffer.js';
import { stripAnsiEscapes } from '../output/strip-ansi.js';
import { formatTimestamp } from '../output/format-time.js';
import type { EventLog } from './event-log.js';
import { RunOutput } from './run-output.js';

export type OutputStream = 'stdout' | 'stderr';
export type OutputListener = (stream: OutputStream, chunk: Buffer) => void;

/** What output handling needs from the supervisor. */
export interface OutputHost {
  readonly log: EventLog;
  readonly outputs: OutputFiles;
  /** The supervisor's own stdout, for `inherit` streams. */
  readonly inheritSink: Sink;
  logDir(): string;
  /** A terminal colour for a process name's prefix, or '' without colour. */
  colourFor(name: string): string;
  /** supervisord's strip_ansi (`-t`): ANSI escapes are taken out of every child's output. */
  stripAnsi?(): boolean;
}

export type ResolvedOutput =
  | { readonly kind: 'discard' }
  | { readonly kind: 'inherit' }
  | { readonly kind: 'file'; readonly path: string; readonly maxBytes: number; readonly backups: number; readonly mode: number };

/** Bytes of recent output kept in memory per stream, for tail when there is no file. */
const ringBytes = 64 * 1024;
/** How long a stop waits for pipes to end after the process is gone (a descendant that escaped may hold them). */
export const outputDrainTimeoutMs = 2000;

interface Pump {
  readonly done: Promise<void>;
  readonly file: LogFile | null;
  /** Still open after a whole drain timeout: held by a descendant, not waited for again. */
  abandoned: boolean;
}

/** One process's output: where each stream goes, live listeners, and the recent bytes. */
export class ProcessOutput {
  private readonly listeners = new Set<OutputListener>();
  /** Hear each block captured between supervisord's markers (PROCESS_COMMUNICATION events). */
  private readonly communicationListeners = new Set<OutputListener>();
  private readonly rings: Record<OutputStream, RingBuffer> = { stdout: new RingBuffer(ringBytes), stderr: new RingBuffer(ringBytes) };
  /** Pipes still being carried, each with the file it goes to (null for inherit). */
  private readonly pumps = new Set<Pump>();
  /** The last lines of the current run, or of the last one once it ended. */
  private run: RunOutput | null = null;

  constructor(
    private readonly host: OutputHost,
    private readonly owner: () => { readonly program: ProgramConfig; readonly fullName: string },
  ) {}

  resolve(stream: OutputStream): ResolvedOutput {
    const { program, fullName } = this.owner();
    const target: OutputTarget = program[stream];
    if (target.kind === 'discard' || target.kind === 'inherit') return target;
    const path = target.kind === 'file' ? target.path : join(this.host.logDir(), `${fullName.replace(':', '-')}.${stream}.log`);
    const maxBytes = stream === 'stdout' ? program.stdoutMaxBytes : program.stderrMaxBytes;
    const backups = stream === 'stdout' ? program.stdoutBackups : program.stderrBackups;
    return { kind: 'file', path, maxBytes, backups, mode: program.logFileMode };
  }

  /** Where a stream is written, or null when it is discarded or goes to the supervisor's stdout. */
  path(stream: OutputStream): string | null {
    if (stream === 'stderr' && this.owner().program.redirectStderr) return null;
    const output = this.resolve(stream);
    return output.kind === 'file' ? output.path : null;
  }

  /** Whether there is anything to tail: a file or a ring fed from the pipe. */
  isCaptured(stream: OutputStream): boolean {
    if (stream === 'stderr' && this.owner().program.redirectStderr) return false;
    return this.resolve(stream).kind !== 'discard';
  }

  /** Carries a new run's pipes to where they go; its last lines are kept apart from the previous run's. */
  attach(stdout: Readable | null, stderr: Readable | null): RunOutput {
    const merged = this.owner().program.redirectStderr;
    const run = new RunOutput(merged, { stdout: this.path('stdout'), stderr: merged ? null : this.path('stderr') });
    this.run = run;
    const stdoutOutput = this.resolve('stdout');
    this.connect(stdout, stdoutOutput, 'stdout', run);
    this.connect(stderr, merged ? stdoutOutput : this.resolve('stderr'), merged ? 'stdout' : 'stderr', run);
    return run;
  }

  get lastRun(): RunOutput | null {
    return this.run;
  }

  recent(stream: OutputStream, lines: number): string {
    return this.rings[stream].lastLines(lines);
  }

  clear(): void {
    for (const stream of ['stdout', 'stderr'] as const) this.rings[stream].clear();
  }

  /** Live output for `tail -f` and `fg`; returns the unsubscribe function. */
  subscribe(listener: OutputListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  subscribeCommunication(listener: OutputListener): () => void {
    this.communicationListeners.add(listener);
    return () => this.communicationListeners.delete(listener);
  }

  /** Carries one of the child's pipes to where it goes, for as long as the pipe is open; its last lines are kept in any case. */
  private connect(pipe: Readable | null, output: ResolvedOutput, stream: OutputStream, run: RunOutput): void {
    if (!pipe) return;
    const { program, fullName } = this.owner();
    const log = this.host.log;
    const captureMaxBytes = stream === 'stdout' ? program.stdoutCaptureMaxBytes : program.stderrCaptureMaxBytes;
    const stripped = this.host.stripAnsi?.() === true ? stripAnsiEscapes(pipe) : pipe;
    const source = captureMaxBytes > 0 ? captureCommunication(stripped, captureMaxBytes, (data) => this.communicated(stream, data)) : stripped;
    if (output.kind === 'discard') {
      // Read only for the last lines and the debug copy: a discarded stream is still what says why a run failed.
      source.on('data', (chunk: Buffer) => {
        run.push(stream, chunk);
        log.copyOutput(fullName, stream, chunk);
      });
      source.on('error', () => {});
      run.track(new Promise((resolve) => source.once('close', resolve)));
      return;
    }
    const ring = this.rings[stream];
    const onChunk = (chunk: Buffer): void => {
      ring.push(chunk);
      run.push(stream, chunk);
      log.copyOutput(fullName, stream, chunk);
      if (this.listeners.size > 0) for (const listener of this.listeners) listener(stream, chunk);
    };
    const stamp = program.logTimestamps ? (line: Buffer) => Buffer.concat([Buffer.from(`${formatTimestamp(new Date())} `), line]) : undefined;
    if (output.kind === 'inherit') {
      const colour = this.host.colourFor(fullName);
      const prefix = Buffer.from(colour ? `${colour}${fullName} |\x1b[0m ` : `${fullName} | `);
      // Each piece gets its own terminal line, so the rest of a line flushed early is prefixed too.
      const done = pumpOutput(source, this.host.inheritSink, onChunk, {
        decorateLine: (line) => Buffer.concat([prefix, stamp ? stamp(line) : line, line[line.length - 1] === 10 ? Buffer.alloc(0) : Buffer.from('\n')]),
      });
      this.track(done, null);
      run.track(done);
      return;
    }
    const sink = this.host.outputs.acquire(output.path, { maxBytes: output.maxBytes, backups: output.backups, mode: output.mode });
    const done = pumpOutput(source, sink, onChunk, { decorateLine: stamp && ((line, startsLine) => (startsLine ? stamp(line) : line)) });
    this.track(done, sink);
    run.track(done);
    source.once('close', () => this.host.outputs.release(output.path));
  }

  private communicated(stream: OutputStream, data: Buffer): void {
    this.host.log.write('debug', `'${this.owner().fullName}' ${stream} emitted a comm event`);
    for (const listener of this.communicationListeners) listener(stream, data);
  }

  private track(done: Promise<void>, file: LogFile | null): void {
    const pump: Pump = { done, file, abandoned: false };
    this.pumps.add(pump);
    void done.then(() => this.pumps.delete(pump));
  }

  /**
   * Resolves once the pipes of this process have ended (or outputDrainTimeoutMs passed)
   * and their files hold everything read from them: after a stop, the files are complete.
   */
  async settled(): Promise<void> {
    const pumps = [...this.pumps].filter((pump) => !pump.abandoned);
    if (pumps.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, outputDrainTimeoutMs);
    });
    try {
      await Promise.race([Promise.all(pumps.map((pump) => pump.done)), timeout]);
    } finally {
      clearTimeout(timer);
    }
    for (const pump of pumps) if (this.pumps.has(pump)) pump.abandoned = true;
    await Promise.all(pumps.map((pump) => pump.file?.written()));
  }
}
