const unitBytes: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** Parses `1048576`, `512KB`, `50MB`, `1GB` (supervisord's spelling) into bytes. */
export function parseByteSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+)\s*(B|KB|MB|GB)?\s*$/i.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * (unitBytes[(match[2] ?? 'B').toUpperCase()] ?? 1);
}
