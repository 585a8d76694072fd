const unitBytes: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** Parses `1048576`, `512KB`, `50MB`, `1GB` (supervisord's spelling) into bytes. */
export function parseByteSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+)\s*(B|KB|MB|GB|TB)?\s*$/i.exec(value);
  if (!match) return undefined;
  const bytes = Number(match[1]) * (unitBytes[(match[2] ?? 'B').toUpperCase()] ?? 1);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** Writes bytes the way a config would, for messages: `16MB`, `1TB`, `1000`. */
export function formatByteSize(bytes: number): string {
  for (const unit of ['TB', 'GB', 'MB', 'KB'] as const) {
    const size = unitBytes[unit]!;
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}`;
}
