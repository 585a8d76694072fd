// Terminal escapes: CSI (colours, cursor moves), OSC (titles, links) ended by BEL or ST, and two-byte ESC sequences.
const escapes = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]/g;
// What is left of control characters (C0 but tab and newline, DEL, C1) would still move a cursor or ring a bell.
const controls = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * Program output made safe to print in a status or a log line: terminal escapes and
 * control characters removed, and of a line redrawn with carriage returns (a progress
 * bar) only what a terminal would show last.
 */
export function plainText(text: string): string {
  const redrawn = text.includes('\r') ? lastRedraw(text) : text;
  return redrawn.replace(escapes, '').replace(controls, '');
}

/** Each line's text after its last carriage return (a CRLF line ending counts as none). */
function lastRedraw(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
      const cut = trimmed.lastIndexOf('\r');
      return cut === -1 ? trimmed : trimmed.slice(cut + 1);
    })
    .join('\n');
}
