import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { TerminalSize, TerminalViewer } from '../../src/contracts/terminal-attach.js';
import { replayBytes } from '../../src/contracts/terminal-attach.js';
import type { TerminalChild } from '../../src/engine/child-handle.js';
import { TerminalSession } from '../../src/engine/terminal-session.js';

/** A terminal child that records what reaches it: the session's logic, without a pty. */
function recordingChild(): { child: TerminalChild; typed: string[]; sizes: TerminalSize[] } {
  const typed: string[] = [];
  const sizes: TerminalSize[] = [];
  const stdin = new Writable({ write: (chunk: Buffer, _encoding, done) => { typed.push(chunk.toString()); done(); } });
  const child = Object.assign(new EventEmitter(), { pid: 1, stdin, stdout: new PassThrough(), stderr: null, resize: (size: TerminalSize) => sizes.push(size) });
  return { child: child as unknown as TerminalChild, typed, sizes };
}

function recordingViewer(): { viewer: TerminalViewer; seen: string[]; roles: boolean[]; ended: string[] } {
  const seen: string[] = [];
  const roles: boolean[] = [];
  const ended: string[] = [];
  return { viewer: { output: (chunk) => seen.push(chunk.toString()), role: (typing) => roles.push(typing), ended: (reason) => ended.push(reason) }, seen, roles, ended };
}

const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('the viewers of a terminal', () => {
  it('replays the recent screen to a viewer that attaches, then streams to every viewer', () => {
    const { child } = recordingChild();
    const session = new TerminalSession(child);
    session.output(Buffer.from('>>> '));
    const first = recordingViewer();
    session.attach(first.viewer, { cols: 80, rows: 24 });
    session.output(Buffer.from('42\r\n'));
    const second = recordingViewer();
    session.attach(second.viewer, { cols: 80, rows: 24 });
    assert.deepEqual(first.seen, ['>>> ', '42\r\n']);
    assert.deepEqual(second.seen, ['>>> 42\r\n']);
  });

  it('keeps at most replayBytes of the screen', () => {
    const session = new TerminalSession(recordingChild().child);
    session.output(Buffer.alloc(replayBytes, 'a'));
    session.output(Buffer.from('tail'));
    const viewer = recordingViewer();
    session.attach(viewer.viewer, { cols: 80, rows: 24 });
    assert.equal(viewer.seen[0]!.length, replayBytes);
    assert.ok(viewer.seen[0]!.endsWith('tail'));
  });

  it('lets the first viewer type and size the terminal; the next takes over when it detaches', async () => {
    const { child, typed, sizes } = recordingChild();
    const session = new TerminalSession(child);
    const first = recordingViewer();
    const second = recordingViewer();
    const firstAttachment = session.attach(first.viewer, { cols: 120, rows: 40 });
    const secondAttachment = session.attach(second.viewer, { cols: 90, rows: 20 });
    firstAttachment.input(Buffer.from('a'));
    secondAttachment.input(Buffer.from('b'));
    secondAttachment.resize({ cols: 91, rows: 21 });
    await flushed();
    assert.deepEqual(typed, ['a']);
    assert.deepEqual(sizes, [{ cols: 120, rows: 40 }]);
    assert.deepEqual([first.roles, second.roles], [[true], [false]]);

    firstAttachment.detach();
    secondAttachment.input(Buffer.from('c'));
    await flushed();
    assert.deepEqual(typed, ['a', 'c']);
    assert.deepEqual(second.roles, [false, true]);
    assert.deepEqual(sizes.at(-1), { cols: 91, rows: 21 });
    session.output(Buffer.from('x'));
    assert.ok(!first.seen.includes('x'), 'a detached viewer sees no more');
  });

  it('tells every viewer why it ends and refuses new ones after', () => {
    const session = new TerminalSession(recordingChild().child);
    const viewer = recordingViewer();
    session.attach(viewer.viewer, { cols: 80, rows: 24 });
    session.end('py exited (exit status 0)');
    assert.deepEqual(viewer.ended, ['py exited (exit status 0)']);
    assert.equal(session.viewerCount, 0);
    assert.throws(() => session.attach(recordingViewer().viewer, { cols: 80, rows: 24 }), /py exited/);
  });
});
