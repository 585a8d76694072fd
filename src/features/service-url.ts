import type { ProgramConfig } from '../config/types.js';
import { withPort } from './probe.js';

/**
 * Where a process serves, for status: the origin of its HTTP ready or health check, with its
 * port; null without a port or an HTTP check (a bare port may not speak HTTP at all).
 */
export function serviceUrlOf(program: ProgramConfig, port: number | null): string | null {
  if (port === null) return null;
  const probe = [program.ready?.probe, program.healthcheck?.probe].find((each) => each?.kind === 'http');
  if (!probe || probe.kind !== 'http') return null;
  try {
    return `${new URL(withPort(probe.url, port)).origin}/`;
  } catch {
    return null;
  }
}
