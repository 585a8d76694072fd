export type ToolName = 'taskmaster' | 'supervisord' | 'pm2';
export const toolNames: readonly ToolName[] = ['taskmaster', 'supervisord', 'pm2'];

/** One supervised program with one process, described once and written in each tool's config format. */
export interface ProgramSpec {
  readonly name: string;
  readonly argv: readonly string[];
  /** null discards the output. */
  readonly stdoutFile: string | null;
  readonly autostart: boolean;
  /** Keep the tool's default log rotation (Taskmaster and supervisord: 50 MB, 10 backups; PM2 has none) instead of none. */
  readonly rotate?: boolean;
  /** A cron expression: the program runs at each tick instead of being kept alive (Taskmaster only). */
  readonly schedule?: string;
}

export interface ProcessRow {
  readonly name: string;
  readonly running: boolean;
  readonly pid: number | null;
}

/** A running supervisor of one tool, with its own config in its own temp dir. */
export interface Session {
  readonly tool: ToolName;
  /** The process whose memory and CPU count as the supervisor's cost (PM2: its God daemon). */
  readonly supervisorPid: number;
  /** Process table through the tool's own API (not its CLI). */
  rows(): Promise<ProcessRow[]>;
  /** Starts every program and resolves once the tool reports all of them running. */
  startAll(): Promise<void>;
  /** Stops every program and resolves once the tool reports all of them stopped. */
  stopAll(): Promise<void>;
  /** `status` of everything through the tool's own command-line client. */
  cliStatus(): Promise<void>;
  /** Starts one stopped program through the tool's own command-line client. */
  cliStart(name: string): Promise<void>;
  cliStop(name: string): Promise<void>;
  /** Rewrites the config with `programs` and asks the tool to apply it; null when the tool has no such command. */
  readonly reload: ((programs: readonly ProgramSpec[]) => Promise<void>) | null;
  /** Graceful shutdown; the cleanup registry still sweeps every pid afterwards. */
  close(): Promise<void>;
}

export interface Tool {
  readonly name: ToolName;
  /** Installs what is missing and returns the version string. */
  prepare(): Promise<string>;
  launch(programs: readonly ProgramSpec[], label: string): Promise<Session>;
}

/** Resolves once the tool reports every one of `names` running; polls every 50 ms. */
export async function waitAllRunning(session: Session, names: readonly string[], timeoutMs: number): Promise<ProcessRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await session.rows();
    const running = new Set(rows.filter((row) => row.running).map((row) => row.name));
    if (names.every((name) => running.has(name))) return rows;
    if (Date.now() > deadline) {
      throw new Error(`${session.tool}: only ${names.filter((name) => running.has(name)).length} of ${names.length} running after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
