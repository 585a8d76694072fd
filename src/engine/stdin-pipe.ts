import type { ChildProcess } from 'node:child_process';
import { closeSync } from 'node:fs';
import { Socket } from 'node:net';
import { loadReaperAddon } from './child-reaper.js';

interface PipeAddon {
  makePipe?: () => [number, number];
}

let makePipe: (() => [number, number]) | null | undefined;

/** The two ends of a child's stdin pipe: the read end goes to the child as fd 0, the write end stays ours. */
export interface StdinPipe {
  readonly readFd: number;
  readonly writeFd: number;
}

/**
 * A real pipe (pipe2, CLOEXEC) for a child's stdin, or null without the native addon (then Node's
 * socketpair stays): on a socket, bash with SHLVL unset believes it runs under sshd and sources ~/.bashrc.
 */
export function openStdinPipe(): StdinPipe | null {
  if (makePipe === undefined) {
    const loaded = loadReaperAddon();
    makePipe = 'addon' in loaded ? ((loaded.addon as PipeAddon).makePipe ?? null) : null;
  }
  if (!makePipe) return null;
  try {
    const [readFd, writeFd] = makePipe();
    return { readFd, writeFd };
  } catch {
    // Out of descriptors: Node's own socketpair then fails the spawn with the usual, transient EMFILE.
    return null;
  }
}

/** Closes both ends of a pipe whose child was never forked. */
export function closeStdinPipe(pipe: StdinPipe): void {
  closeSync(pipe.readFd);
  closeSync(pipe.writeFd);
}

/**
 * After the fork: drops our copy of the read end and makes the write end the child's `stdin`,
 * closed when the child exits (or was never started); writes to a dead child fail as EPIPE errors, never signals.
 */
export function attachStdinPipe(child: ChildProcess, pipe: StdinPipe): void {
  closeSync(pipe.readFd);
  const stdin = new Socket({ fd: pipe.writeFd, readable: false, writable: true });
  stdin.on('error', () => {});
  if (child.pid === undefined) {
    stdin.destroy();
    return;
  }
  child.stdin = stdin;
  child.stdio[0] = stdin;
  child.once('exit', () => stdin.destroy());
}
