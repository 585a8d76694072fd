import { valueOf, type Cell } from './results.js';

/** Three significant figures, without exponent notation for the sizes we meet. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

export function formatCell(cell: Cell | undefined): string {
  if (cell === undefined) return 'not measured';
  if ('missing' in cell) return `n/a: ${cell.missing}`;
  return formatNumber(cell.value);
}

/** Taskmaster / other, as `1.23×`, or a dash when either side has no number. */
export function formatRatio(taskmaster: Cell | undefined, other: Cell | undefined): string {
  const mine = valueOf(taskmaster);
  const theirs = valueOf(other);
  if (mine === null || theirs === null || theirs === 0) return '–';
  return `${formatNumber(mine / theirs)}×`;
}
