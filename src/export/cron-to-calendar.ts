// Cron schedules in systemd's OnCalendar= syntax, or the reason one cannot be written there.
export type CalendarResult = { readonly ok: true; readonly calendar: string } | { readonly ok: false; readonly reason: string };

const nicknames: Readonly<Record<string, string>> = {
  '@yearly': '*-01-01 00:00:00',
  '@annually': '*-01-01 00:00:00',
  '@monthly': '*-*-01 00:00:00',
  '@weekly': 'Sun *-*-* 00:00:00',
  '@daily': '*-*-* 00:00:00',
  '@midnight': '*-*-* 00:00:00',
  '@hourly': '*-*-* *:00:00',
};

const dayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly width: number;
  readonly names?: readonly string[];
}

const fields = {
  second: { label: 'second', min: 0, max: 59, width: 2 },
  minute: { label: 'minute', min: 0, max: 59, width: 2 },
  hour: { label: 'hour', min: 0, max: 23, width: 2 },
  day: { label: 'day of month', min: 1, max: 31, width: 2 },
  month: { label: 'month', min: 1, max: 12, width: 2, names: monthNames },
} satisfies Record<string, FieldSpec>;

class Unmappable extends Error {}

function parseNumber(text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  const value = named >= 0 ? named + spec.min : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < spec.min || value > spec.max) throw new Unmappable(`${spec.label} "${text}" is not a number from ${spec.min} to ${spec.max}`);
  return value;
}

/** One numeric field: `*`, `5`, `1,2`, `1-5`, `*\/15`, `5/15`; a step over a range has no systemd form. */
function numericField(text: string, spec: FieldSpec): string {
  const pad = (value: number): string => String(value).padStart(spec.width, '0');
  return text
    .split(',')
    .map((part) => {
      if (part === '*' || part === '?') return '*';
      const [base = '', step] = part.split('/');
      if (step !== undefined) {
        const every = Number(step);
        if (!/^\d+$/.test(step) || every < 1) throw new Unmappable(`${spec.label} step "${step}" is not a positive number`);
        if (base.includes('-')) throw new Unmappable(`${spec.label} "${part}": a step over a range has no OnCalendar form`);
        return `${pad(base === '*' ? spec.min : parseNumber(base, spec))}/${every}`;
      }
      const range = base.split('-');
      if (range.length === 2) return `${pad(parseNumber(range[0]!, spec))}..${pad(parseNumber(range[1]!, spec))}`;
      return pad(parseNumber(base, spec));
    })
    .join(',');
}

function dayOfWeek(text: string): number {
  const named = dayNames.findIndex((name) => name.toLowerCase() === text.toLowerCase());
  if (named >= 0) return named;
  if (!/^[0-7]$/.test(text)) throw new Unmappable(`day of week "${text}" is not 0-7 or a day name`);
  return Number(text) % 7;
}

function weekdayField(text: string): string {
  if (text === '*' || text === '?') return '';
  const parts = text.split(',').map((part) => {
    if (part.includes('/') || part.includes('#') || part.includes('L')) throw new Unmappable(`day of week "${part}" has no OnCalendar form`);
    const range = part.split('-');
    if (range.length === 2) {
      const from = dayOfWeek(range[0]!);
      const to = range[1] === '7' ? 7 : dayOfWeek(range[1]!);
      // systemd's weeks run Monday to Sunday: a range ending on Sunday (0 or 7) is written Mon..Sun.
      return `${dayNames[from]}..${dayNames[to % 7]}`;
    }
    return dayNames[dayOfWeek(part)]!;
  });
  return `${[...new Set(parts)].join(',')} `;
}

/** Converts a five-field (or six, seconds first) cron expression or nickname to OnCalendar=. */
export function cronToCalendar(expression: string, timezone: string | null = null): CalendarResult {
  const zone = timezone === null ? '' : ` ${timezone}`;
  const trimmed = expression.trim();
  const nickname = nicknames[trimmed.toLowerCase()];
  if (nickname !== undefined) return { ok: true, calendar: `${nickname}${zone}` };
  if (trimmed.startsWith('@')) return { ok: false, reason: `"${trimmed}" has no OnCalendar form` };
  const words = trimmed.split(/\s+/);
  if (words.length !== 5 && words.length !== 6) return { ok: false, reason: `"${trimmed}" does not have five or six fields` };
  const [second, minute, hour, day, month, weekday] = words.length === 6 ? words : ['0', ...words];
  try {
    if (/[LW#]/.test(day!)) throw new Unmappable(`day of month "${day}" has no OnCalendar form`);
    // Cron runs when either day field matches; OnCalendar= needs both, so only one may be set.
    if (day !== '*' && day !== '?' && weekday !== '*' && weekday !== '?') throw new Unmappable('cron matches day of month OR day of week; OnCalendar= matches both, so only one of them may be set');
    const date = `*-${numericField(month!, fields.month)}-${numericField(day!, fields.day)}`;
    const time = `${numericField(hour!, fields.hour)}:${numericField(minute!, fields.minute)}:${numericField(second!, fields.second)}`;
    return { ok: true, calendar: `${weekdayField(weekday!)}${date} ${time}${zone}` };
  } catch (error) {
    if (error instanceof Unmappable) return { ok: false, reason: error.message };
    throw error;
  }
}
