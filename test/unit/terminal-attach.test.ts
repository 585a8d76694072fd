import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProcessInfo, SupervisorApi } from '../../src/contracts/supervisor-api.js';
import type { TerminalAttachment, TerminalSize, TerminalViewer } from '../../src/contracts/terminal-attach.js';
import type { RawTerminal } from '../../src/control/raw-terminal.js';
import { attachRawTerminal } from '../../src/control/terminal-attach.js';

/** A raw terminal driven by the test: it types keys and reads what was written. */
function scriptedTerminal() {
  let keys: (bytes: Buffer) => void = () => {};
  const written: string[] = [];
  let released = false;
  const raw: RawTerminal = {
    size: () => ({ cols: 100, rows: 30 }),
    write: (bytes) => written.push(bytes.toString()),
    onKeys: (listener) => (keys = listener),
    onResize: () => {},
    release: () => (released = true),
  };
  return { raw, type: (text: string) => keys(Buffer.from(text)), written, released: () => released };
}

describe('fg on a raw terminal', () => {
  it('sends the keys typed while the attach is on its way once it is there, and detaches on Ctrl-]', async () => {
    const received: string[] = [];
    let detached = false;
    let finishAttach: (attachment: TerminalAttachment) => void = () => {};
    let sizeAsked: TerminalSize | null = null;
    const api = {
      attachTerminal: (_name: string, size: TerminalSize, viewer: TerminalViewer) => {
        sizeAsked = size;
        viewer.output(Buffer.from('>>> '));
        return new Promise<TerminalAttachment>((resolve) => (finishAttach = resolve));
      },
    } as unknown as SupervisorApi;
    const terminal = scriptedTerminal();
    const attached = attachRawTerminal(api, terminal.raw, { name: 'py', pid: 42 } as ProcessInfo);
    terminal.type('6*7\r');
    finishAttach({ input: (data) => received.push(data.toString()), resize: () => {}, detach: () => (detached = true) });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(received, ['6*7\r']);
    assert.deepEqual(sizeAsked, { cols: 100, rows: 30 });
    terminal.type('1\x1d');
    await attached;
    assert.deepEqual(received, ['6*7\r', '1']);
    assert.ok(detached && terminal.released());
    assert.match(terminal.written.join(''), /attached to py \(pid 42\)[^]*>>> [^]*\[detached from py; it keeps running\]/);
  });
});
