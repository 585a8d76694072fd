import type { ToolName } from '../tools/session.js';

export type Column = ToolName | 'floor';
export const columns: readonly Column[] = ['taskmaster', 'supervisord', 'pm2', 'floor'];

/** A number, or why there is none (the table says so instead of leaving a blank). */
export type Cell = { readonly value: number } | { readonly missing: string };

export interface ResultRow {
  readonly id: string;
  readonly workload: string;
  readonly label: string;
  readonly unit: string;
  readonly higherIsBetter: boolean;
  readonly cells: Partial<Record<Column, Cell>>;
  /** What Taskmaster should reach, from issue 6; report/targets.ts checks it. */
  readonly target?: string;
}

export interface RunInfo {
  readonly date: string;
  readonly mode: 'full' | 'quick' | 'smoke';
  readonly machine: string;
  readonly node: string;
  readonly versions: Partial<Record<Column, string>>;
  readonly durationSeconds: number;
  readonly notes: readonly string[];
}

export interface BenchResults {
  readonly info: RunInfo;
  readonly rows: readonly ResultRow[];
}

/** Collects rows as workloads finish; a row is created on first use. */
export class ResultTable {
  readonly rows: ResultRow[] = [];

  row(id: string, workload: string, label: string, unit: string, options: { higherIsBetter?: boolean; target?: string } = {}): Partial<Record<Column, Cell>> {
    let row = this.rows.find((candidate) => candidate.id === id);
    if (!row) {
      row = { id, workload, label, unit, higherIsBetter: options.higherIsBetter ?? false, cells: {}, ...(options.target === undefined ? {} : { target: options.target }) };
      this.rows.push(row);
    }
    return row.cells;
  }
}

export function valueOf(cell: Cell | undefined): number | null {
  return cell !== undefined && 'value' in cell && Number.isFinite(cell.value) ? cell.value : null;
}
