import { readFile } from 'node:fs/promises';
import type { Transporter } from 'nodemailer';
import type { EmailConfig } from '../config/types.js';
import type { Alert } from './alert.js';
import { alertLine } from './alert.js';
import type { AlertChannel } from './alert-delivery.js';

const smtpTimeoutMs = 15_000;

/** The mail: a subject that says what and where, a body a person reads, and the payload as JSON. */
export function emailText(alert: Alert): { subject: string; text: string } {
  const exit = alert.signal !== null ? `signal ${alert.signal}` : alert.exitCode !== null ? `exit code ${alert.exitCode}` : 'no exit';
  const lines = [
    alertLine(alert),
    '',
    `process ${alert.process} (group ${alert.group}), pid ${alert.pid ?? 'none'}, ${exit}, attempt ${alert.attempt}`,
    `on ${alert.host} at ${alert.time}`,
    ...(alert.lastLines.length > 0 ? ['', 'last output:', ...alert.lastLines.map((line) => `  ${line}`)] : []),
    ...(alert.attempts ?? []).map((attempt) => `attempt ${attempt.attempt}: pid ${attempt.pid ?? 'none'}, ${attempt.reason}`),
    '',
    'payload:',
    JSON.stringify(alert, null, 2),
  ];
  return { subject: `[taskmaster] ${alert.event}: ${alert.process} on ${alert.host}`, text: `${lines.join('\n')}\n` };
}

/** Mail over SMTP with nodemailer, loaded on the first alert so start-up opens one module fewer. */
export class EmailChannel implements AlertChannel {
  readonly name: string;
  private transporter: Transporter | null = null;

  constructor(private readonly config: EmailConfig) {
    this.name = `email smtp://${config.host}:${config.port}`;
  }

  private async transport(): Promise<Transporter> {
    if (this.transporter) return this.transporter;
    const { createTransport } = (await import('nodemailer')).default;
    const { config } = this;
    const ca = config.caFile === null ? undefined : await readFile(config.caFile, 'utf8');
    this.transporter = createTransport({
      host: config.host,
      port: config.port,
      secure: config.port === 465,
      requireTLS: config.starttls && config.port !== 465,
      ignoreTLS: !config.starttls && config.port !== 465,
      ...(config.user !== null && config.password !== null ? { auth: { user: config.user, pass: config.password } } : {}),
      ...(ca === undefined ? {} : { tls: { ca } }),
      connectionTimeout: smtpTimeoutMs,
      greetingTimeout: smtpTimeoutMs,
      socketTimeout: smtpTimeoutMs,
    });
    return this.transporter;
  }

  async send(alert: Alert): Promise<void> {
    const transporter = await this.transport();
    const { subject, text } = emailText(alert);
    try {
      await transporter.sendMail({ from: this.config.from, to: [...this.config.to], subject, text });
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      throw new Error(code ? `${code}: ${message.split('\n')[0]}` : message.split('\n')[0]);
    }
  }
}
