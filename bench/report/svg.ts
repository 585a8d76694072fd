import { columns, valueOf, type BenchResults, type Column, type ResultRow } from './results.js';
import { formatNumber } from './format.js';

const colours: Record<Column, string> = { taskmaster: '#2b6cb0', supervisord: '#c05621', pm2: '#2f855a', floor: '#718096' };
const titles: Record<Column, string> = { taskmaster: 'Taskmaster', supervisord: 'supervisord', pm2: 'PM2', floor: 'floor' };
/** The figures worth a picture, in reading order. */
const chartedRows = ['restart-median', 'restart-p99', 'fleet-start', 'fleet-stop', 'status-cli', 'reload-time', 'idle-rss-1000', 'idle-rss-100', 'output-rate-1', 'output-rate-10', 'output-rate-10-shared', 'output-rate-binary-1'];

const width = 960;
const columnWidth = width / 2;
const labelWidth = 90;
const barHeight = 14;
const barGap = 5;
const panelTitleHeight = 22;
const panelHeight = panelTitleHeight + columns.length * (barHeight + barGap) + 18;
const headerHeight = 64;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/`/g, '');
}

function panel(row: ResultRow, x: number, y: number): string[] {
  const present = columns.filter((column) => row.cells[column] !== undefined);
  const values = present.map((column) => valueOf(row.cells[column]) ?? 0);
  const maximum = Math.max(...values, Number.MIN_VALUE);
  const barSpace = columnWidth - labelWidth - 110;
  const parts = [`<text x="${x}" y="${y + 15}" class="title">${escapeXml(row.label)} (${escapeXml(row.unit)}${row.higherIsBetter ? ', higher is better' : ', lower is better'})</text>`];
  present.forEach((column, index) => {
    const barY = y + panelTitleHeight + index * (barHeight + barGap);
    const value = valueOf(row.cells[column]);
    parts.push(`<text x="${x + labelWidth - 6}" y="${barY + barHeight - 3}" class="label" text-anchor="end">${titles[column]}</text>`);
    if (value === null) {
      parts.push(`<text x="${x + labelWidth}" y="${barY + barHeight - 3}" class="missing">n/a</text>`);
      return;
    }
    const barWidth = Math.max(1, (value / maximum) * barSpace);
    parts.push(`<rect x="${x + labelWidth}" y="${barY}" width="${barWidth.toFixed(1)}" height="${barHeight}" fill="${colours[column]}"/>`);
    parts.push(`<text x="${(x + labelWidth + barWidth + 5).toFixed(1)}" y="${barY + barHeight - 3}" class="value">${formatNumber(value)}</text>`);
  });
  return parts;
}

/** A hand-drawn bar chart: one small panel per main figure, bars scaled within each panel. */
export function renderSvg(results: BenchResults): string {
  const rows = chartedRows
    .map((id) => results.rows.find((row) => row.id === id))
    .filter((row): row is ResultRow => row !== undefined && columns.some((column) => valueOf(row.cells[column]) !== null));
  const height = headerHeight + Math.ceil(rows.length / 2) * panelHeight + 10;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    '<style>.title{font-size:12px;font-weight:bold;fill:#1a202c}.label{font-size:11px;fill:#2d3748}.value{font-size:11px;fill:#1a202c}.missing{font-size:11px;fill:#a0aec0;font-style:italic}.head{font-size:16px;font-weight:bold}.sub{font-size:11px;fill:#4a5568}</style>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="24" class="head">Taskmaster, supervisord, PM2 and the floor</text>`,
    `<text x="12" y="44" class="sub">${escapeXml(`${results.info.date}, ${results.info.mode} run; ${results.info.machine}; Node ${results.info.node}. Each panel has its own scale.`)}</text>`,
  ];
  rows.forEach((row, index) => {
    const x = 12 + (index % 2) * columnWidth;
    const y = headerHeight + Math.floor(index / 2) * panelHeight;
    parts.push(...panel(row, x, y));
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
