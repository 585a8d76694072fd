import { programKeys } from './program-keys.js';

/** The README's program-key table sits between these lines and is written from programKeys. */
export const keyReferenceMarkers = {
  start: '<!-- program keys: written from src/config/program-keys.ts by `node scripts/write-key-reference.mjs` -->',
  end: '<!-- end of program keys -->',
} as const;

const reloadEffect = { spawn: 'restarts it', supervision: 'in place' } as const;

/** The program keys as a Markdown table: key and aliases, meaning, default, what a reload does. */
export function renderKeyReference(): string {
  const lines = ['| key (supervisord alias) | meaning | default | on reload |', '| --- | --- | --- | --- |'];
  for (const row of programKeys) {
    const aliases = row.aliases.length > 0 ? ` (${row.aliases.map((alias) => `\`${alias}\``).join(', ')})` : '';
    const scheduled = 'scheduledDefault' in row ? `; ${String(row.scheduledDefault)} with a schedule` : '';
    lines.push(`| \`${row.key}\`${aliases} | ${row.doc} | ${row.shownDefault}${scheduled} | ${reloadEffect[row.reload]} |`);
  }
  return lines.join('\n');
}

/** README text with the table between the markers replaced; undefined if the markers are missing. */
export function withKeyReference(readme: string): string | undefined {
  const start = readme.indexOf(keyReferenceMarkers.start);
  const end = readme.indexOf(keyReferenceMarkers.end);
  if (start < 0 || end < start) return undefined;
  return `${readme.slice(0, start + keyReferenceMarkers.start.length)}\n${renderKeyReference()}\n${readme.slice(end)}`;
}
