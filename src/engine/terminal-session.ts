import { replayBytes, type TerminalAttachment, type TerminalSize, type TerminalViewer } from '../contracts/terminal-attach.js';
import { RingBuffer } from '../output/ring-buffer.js';
import type { TerminalChild } from './child-handle.js';
import type { ProcessOutput } from './process-output.js';

interface Attached {
  readonly viewer: TerminalViewer;
  size: TerminalSize;
}

/**
 * The viewers of one run of a `tty: true` process. The first viewer attached types and
 * sets the window size; the others watch, and the oldest of them takes over when it leaves.
 * Every viewer gets the recent screen on attach, then everything the program writes.
 */
export class TerminalSession {
  private readonly viewers: Attached[] = [];
  private readonly recent = new RingBuffer(replayBytes);
  private endedReason: string | null = null;
  private appliedSize: TerminalSize | null = null;

  constructor(private readonly child: TerminalChild) {}

  /**
   * The viewers of one run of `name`: they see what the output pump reads from its terminal (a
   * discarded terminal is still read, or the program would block), and are let go when it exits.
   */
  static open(child: TerminalChild, output: ProcessOutput, discarded: boolean, name: string): TerminalSession {
    const session = new TerminalSession(child);
    const unsubscribe = discarded ? null : output.subscribe((_stream, chunk) => session.output(chunk));
    if (discarded) child.stdout.on('data', (chunk: Buffer) => session.output(chunk));
    child.once('exit', (exitCode, signal) => {
      unsubscribe?.();
      session.end(`${name} exited (${signal ?? `exit status ${exitCode}`})`);
    });
    return session;
  }

  get viewerCount(): number {
    return this.viewers.length;
  }

  /** Every chunk the program writes to its terminal. */
  output(chunk: Buffer): void {
    this.recent.push(chunk);
    for (const attached of [...this.viewers]) attached.viewer.output(chunk);
  }

  attach(viewer: TerminalViewer, size: TerminalSize): TerminalAttachment {
    if (this.endedReason !== null) throw new Error(this.endedReason);
    const attached: Attached = { viewer, size };
    this.viewers.push(attached);
    const screen = this.recent.contents();
    if (screen.length > 0) viewer.output(screen);
    viewer.role(this.typist() === attached);
    this.followTypist();
    return {
      input: (data) => {
        if (this.endedReason === null && this.typist() === attached) this.child.stdin.write(data);
      },
      resize: (newSize) => {
        attached.size = newSize;
        this.followTypist();
      },
      detach: () => this.leave(attached),
    };
  }

  /** The run is over: every viewer is told why and let go. */
  end(reason: string): void {
    if (this.endedReason !== null) return;
    this.endedReason = reason;
    for (const attached of this.viewers.splice(0)) attached.viewer.ended(reason);
  }

  private typist(): Attached | undefined {
    return this.viewers[0];
  }

  private leave(attached: Attached): void {
    const index = this.viewers.indexOf(attached);
    if (index === -1) return;
    this.viewers.splice(index, 1);
    if (index !== 0) return;
    const next = this.typist();
    if (!next) return;
    next.viewer.role(true);
    this.followTypist();
  }

  /** The program's window is the typing viewer's; a resize to the same size is not sent again. */
  private followTypist(): void {
    const size = this.typist()?.size;
    if (!size || this.endedReason !== null) return;
    if (this.appliedSize?.cols === size.cols && this.appliedSize.rows === size.rows) return;
    this.appliedSize = size;
    try {
      this.child.resize(size);
    } catch {
      // The terminal closed between the exit and its report: nothing left to size.
    }
  }
}
