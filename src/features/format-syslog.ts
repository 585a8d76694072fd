import type { Alert } from './alert.js';
import { alertLine } from './alert.js';

/** `daemon`, as a supervisor is one. */
const facility = 3;
const severity = { error: 3, notice: 5 } as const;
/** The enterprise number RFC 5424 gives for examples; our structured data is private. */
const structuredDataId = 'taskmaster@32473';
/** A message longer than this is cut: 2048 octets is what RFC 5424 says every receiver must take. */
export const maxSyslogBytes = 2048;

const escapeParam = (value: string) => value.replace(/["\\\]]/g, (char) => `\\${char}`);
/** Header fields are printable US-ASCII without spaces, or `-` when empty. */
const headerField = (value: string, maxLength: number) => value.replace(/[^\x21-\x7e]/g, '').slice(0, maxLength) || '-';

/** One RFC 5424 message for the alert: its fields as structured data, its line and last output as the text. */
export function formatSyslog(alert: Alert, pid = process.pid): string {
  const priority = facility * 8 + (alert.event === 'job_succeeded' ? severity.notice : severity.error);
  const params: [string, string | number | null][] = [
    ['event', alert.event],
    ['process', alert.process],
    ['group', alert.group],
    ['pid', alert.pid],
    ['exitCode', alert.exitCode],
    ['signal', alert.signal],
    ['attempt', alert.attempt],
  ];
  const data = `[${structuredDataId}${params.filter(([, value]) => value !== null).map(([name, value]) => ` ${name}="${escapeParam(String(value))}"`).join('')}]`;
  const header = `<${priority}>1 ${alert.time} ${headerField(alert.host, 255)} taskmaster ${pid} ${headerField(alert.event, 32)} ${data}`;
  const output = alert.lastLines.length > 0 ? ` | last output: ${alert.lastLines.join(' / ')}` : '';
  const message = `${header} ${alertLine(alert)}${output}`;
  const bytes = Buffer.from(message);
  if (bytes.length <= maxSyslogBytes) return message;
  // Cut on a character boundary, so the receiver gets valid UTF-8.
  return new TextDecoder().decode(bytes.subarray(0, maxSyslogBytes)).replace(/\uFFFD+$/, '');
}

/** TCP carries messages with octet counting (RFC 6587): the length, a space, the message. */
export function frameOctetCounted(message: string): string {
  return `${Buffer.byteLength(message)} ${message}`;
}
