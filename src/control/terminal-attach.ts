import type { ProcessInfo, SupervisorApi } from '../contracts/supervisor-api.js';
import type { TerminalAttachment } from '../contracts/terminal-attach.js';
import { DetachKeys, detachKeysText } from './detach-keys.js';
import type { RawTerminal } from './raw-terminal.js';

/**
 * `fg` on a `tty: true` process: the user's terminal becomes the program's until a detach key
 * (Ctrl-] or Ctrl-P Ctrl-Q), or until the program exits. The program keeps running on detach.
 */
export function attachRawTerminal(api: SupervisorApi, raw: RawTerminal, process: ProcessInfo): Promise<void> {
  const notice = (text: string): void => raw.write(Buffer.from(`\r\n[${text}]\r\n`));
  raw.write(Buffer.from(`[attached to ${process.name} (pid ${process.pid}) on its terminal; ${detachKeysText} detaches, the program keeps running]\r\n`));
  return new Promise((resolve, reject) => {
    const keys = new DetachKeys();
    let attachment: TerminalAttachment | null = null;
    let done = false;
    let typing: boolean | null = null;
    // Keys typed while the attach is on its way are sent once it is there, not lost.
    const early: Buffer[] = [];
    const finish = (text: string): void => {
      if (done) return;
      done = true;
      raw.release();
      notice(text);
      resolve();
    };
    raw.onKeys((bytes) => {
      const { forward, detach } = keys.scan(bytes);
      if (forward.length > 0) {
        if (attachment) attachment.input(forward);
        else early.push(forward);
      }
      if (!detach) return;
      attachment?.detach();
      finish(`detached from ${process.name}; it keeps running`);
    });
    raw.onResize((size) => attachment?.resize(size));
    api
      .attachTerminal(process.name, raw.size(), {
        output: (chunk) => {
          if (!done) raw.write(chunk);
        },
        role: (nowTyping) => {
          // The first role is said only when it is watching; a change is always said.
          if (!done && (typing !== null || !nowTyping)) notice(nowTyping ? 'you type now' : 'another viewer types; you watch until it detaches');
          typing = nowTyping;
        },
        ended: (reason) => finish(reason),
      })
      .then(
        (attached) => {
          if (done) return attached.detach();
          attachment = attached;
          for (const keys of early.splice(0)) attached.input(keys);
        },
        (error: unknown) => {
          if (done) return;
          done = true;
          raw.release();
          reject(error);
        },
      );
  });
}
