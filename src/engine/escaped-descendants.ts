import { escapedDescendantsOf, isSameLiveProcess } from './proc-table.js';
import { killQuietly } from './send-signal.js';

/**
 * Descendants of one process that left its process group (a `setsid` daemon, a double
 * fork): a group signal misses them, and once their parent exits they are re-parented
 * and no longer found. Found while the process is still there, at a group stop signal;
 * signalled with the group; killed with the group after the exit, by pid and start time.
 */
export class EscapedDescendants {
  private known: { pid: number; startTime: string }[] = [];

  /** Signals the descendants of `pid` outside its group, and remembers them. */
  signal(pid: number, signal: NodeJS.Signals): void {
    for (const stat of escapedDescendantsOf(pid)) {
      if (!this.known.some((entry) => entry.pid === stat.pid)) this.known.push({ pid: stat.pid, startTime: stat.startTime });
      killQuietly(stat.pid, signal);
    }
  }

  /** SIGKILLs those still alive (never a reused pid), as the group is reaped. */
  killRemaining(): void {
    for (const { pid, startTime } of this.known) if (isSameLiveProcess(pid, startTime)) killQuietly(pid, 'SIGKILL');
    this.known = [];
  }
}
