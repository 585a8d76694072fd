/**
 * Upper bounds a config must stay within, so that a file that passes `--check` cannot freeze,
 * exhaust or crash a running supervisor. One table: validation, README and tests read it.
 */
export const configLimits = {
  /** Largest config file read, in bytes (16 MiB); bigger files are refused before parsing. */
  maxConfigBytes: 16 * 1024 * 1024,
  /** Programs in one config. */
  maxPrograms: 50_000,
  /** numprocs of one program. */
  maxNumprocs: 1_000,
  /** Sum of numprocs over every program (each process needs pipes, timers and memory). */
  maxTotalProcesses: 50_000,
  /** Longest duration (576h = 24 days): Node timers hold at most 2^31-1 ms (about 24.8 days). */
  maxDurationMs: 24 * 24 * 3_600_000,
  /** Shortest interval between two probes of a healthcheck or ready check. */
  minProbeIntervalMs: 100,
  /** Largest maxbytes of an output or log file before it rotates (1 TiB). */
  maxFileBytes: 1024 ** 4,
  /** Rotated backups kept per file. */
  maxBackups: 1_000,
  /** startretries and healthcheck retries. */
  maxRetries: 1_000,
  /** Events one listener pool keeps waiting (`listener.buffer_size`). */
  maxListenerBuffer: 100_000,
  /** |priority|. */
  maxPriority: 999_999,
  /** `sockets` of one program: each is one descriptor of every child (3, 4, ...). */
  maxSocketsPerProgram: 64,
  /** A socket's listen backlog (the kernel caps it at net.core.somaxconn). */
  maxBacklog: 65_535,
} as const;

/** The most a Node timer can wait: a longer delay fires after 1 ms instead. */
export const timerLimitMs = 2 ** 31 - 1;
