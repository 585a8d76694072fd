import type { LastOutput } from '../contracts/process-info.js';
import { RecentLines } from '../output/recent-lines.js';

export type RunStream = 'stdout' | 'stderr';

/** How long the last lines of a run wait for its pipes to end after its exit (a descendant may hold them). */
const settleTimeoutMs = 2000;

/**
 * The last lines one run of a process wrote, per stream, read from its pipes whatever the
 * destination of its output. A new run gets a new one, so the output of a run that
 * failed stays apart from the next one's.
 */
export class RunOutput {
  private readonly recent: Record<RunStream, RecentLines> = { stdout: new RecentLines(), stderr: new RecentLines() };
  private readonly pipes: Promise<void>[] = [];

  constructor(
    /** stderr goes to stdout (redirect_stderr): one stream of lines, interleaved as read. */
    private readonly merged: boolean,
    private readonly files: Readonly<Record<RunStream, string | null>>,
  ) {}

  /** A chunk read from a pipe; a merged stderr comes here as stdout. */
  push(stream: RunStream, chunk: Buffer): void {
    this.recent[stream].push(chunk);
  }

  /** A pipe of this run; settled() waits for it to end. */
  track(ended: Promise<void>): void {
    this.pipes.push(ended);
  }

  /** stderr's last lines, or stdout's when stderr is merged or empty and stdout is not. */
  last(count: number): LastOutput {
    const stream: RunStream = this.merged || (this.recent.stderr.isEmpty && !this.recent.stdout.isEmpty) ? 'stdout' : 'stderr';
    return { stream, file: this.files[stream], lines: this.recent[stream].last(count) };
  }

  /** The last lines once the run's pipes have ended (at most settleTimeoutMs after its exit), so that its final words are in. */
  async lastSettled(count: number): Promise<LastOutput> {
    await this.settled();
    return this.last(count);
  }

  /** Resolves once every pipe of the run has ended, or after settleTimeoutMs. */
  async settled(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, settleTimeoutMs);
      timer.unref();
    });
    try {
      await Promise.race([Promise.all(this.pipes), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
