import { constants } from 'node:os';

const signalNumbers = constants.signals as Readonly<Record<string, number>>;

/** Accepts `TERM`, `SIGTERM`, `term`, or a signal number; returns the canonical name (`SIGTERM`). */
export function parseSignal(value: unknown): NodeJS.Signals | undefined {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value.trim()))) {
    const number = Number(value);
    const name = Object.keys(signalNumbers).find((key) => signalNumbers[key] === number);
    return name as NodeJS.Signals | undefined;
  }
  if (typeof value !== 'string') return undefined;
  const upper = value.trim().toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  return name in signalNumbers ? (name as NodeJS.Signals) : undefined;
}
