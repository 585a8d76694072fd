const ctrlRightBracket = 0x1d;
const ctrlP = 0x10;
const ctrlQ = 0x11;

/** What a viewer's keys become: the bytes for the program, and whether the viewer asked to detach. */
export interface ScannedKeys {
  readonly forward: Buffer;
  readonly detach: boolean;
}

/**
 * Finds the detach keys in what a viewer types: Ctrl-] (as telnet), or Ctrl-P then Ctrl-Q
 * (as docker). A Ctrl-P is held back until the next key says whether it starts the pair;
 * the keys after a detach are dropped.
 */
export class DetachKeys {
  private heldCtrlP = false;

  scan(bytes: Buffer): ScannedKeys {
    const forward: number[] = [];
    for (const byte of bytes) {
      if (this.heldCtrlP) {
        this.heldCtrlP = false;
        if (byte === ctrlQ) return { forward: Buffer.from(forward), detach: true };
        forward.push(ctrlP);
      }
      if (byte === ctrlRightBracket) return { forward: Buffer.from(forward), detach: true };
      if (byte === ctrlP) this.heldCtrlP = true;
      else forward.push(byte);
    }
    return { forward: Buffer.from(forward), detach: false };
  }
}

/** How the detach keys are named to the user. */
export const detachKeysText = 'Ctrl-] or Ctrl-P Ctrl-Q';
