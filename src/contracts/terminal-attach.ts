/** A terminal's size in character cells, as TIOCSWINSZ takes it. */
export interface TerminalSize {
  readonly cols: number;
  readonly rows: number;
}

/** What the supervisor tells one viewer attached to a `tty: true` process. */
export interface TerminalViewer {
  /** Bytes the program wrote to its terminal (the replayed screen first). */
  output(chunk: Buffer): void;
  /** Whether this viewer's keys reach the program: the first viewer attached types, later ones watch until it leaves. */
  role(typing: boolean): void;
  /** The attachment is over without the viewer asking (the program exited, or the supervisor stops). */
  ended(reason: string): void;
}

/** One viewer's side of an attachment: its keys and its window size. */
export interface TerminalAttachment {
  /** Keys for the program; dropped unless this viewer types. */
  input(data: Buffer): void;
  /** This viewer's window size; the program's terminal follows the typing viewer's. */
  resize(size: TerminalSize): void;
  /** Leaves; the program keeps running. */
  detach(): void;
}

/** The size a terminal starts with before anyone attaches, as a VT100 had. */
export const defaultTerminalSize: TerminalSize = { cols: 80, rows: 24 };

/** Bytes of a process's recent terminal output replayed to a viewer that attaches. */
export const replayBytes = 64 * 1024;

/** A size a terminal can really have: whole cells, at least 1, at most what TIOCSWINSZ's 16 bits hold. */
export function isTerminalSize(value: { cols: unknown; rows: unknown }): value is TerminalSize {
  const fits = (cells: unknown): boolean => typeof cells === 'number' && Number.isInteger(cells) && cells >= 1 && cells <= 0xffff;
  return fits(value.cols) && fits(value.rows);
}
