// The serve command's own flags: where to listen, the longest phase timeout and the margin
// kept back from Prometheus's deadline. Every problem is one line, exit code 2.
import { parseIp } from '../core/site.js';
import { quoteValue } from '../core/text.js';
import { TIMEOUT_MS } from './check-flags.js';
import { UsageError } from './exit-codes.js';

export interface ServeFlags {
  profile?: string;
  profiles?: string;
  pac?: string;
  listen?: string;
  timeout?: string;
  timeoutOffset?: string;
}

/** Loopback, and the port next to the blackbox exporter's 9115 range that the issue names. */
export const DEFAULT_LISTEN = '127.0.0.1:9798';
export const TIMEOUT_OFFSET_MS = { min: 0, max: 60_000, fallback: 500 } as const;

export interface Listen {
  host: string;
  port: number;
  loopback: boolean;
}

/** `ip:port` or `[ip6]:port`; an address, never a name (a name may resolve to anything). Port 0: any free port. */
export function parseListen(text: string): Listen {
  const hint = 'expected ip:port (e.g. 127.0.0.1:9798, 0.0.0.0:9798, [::1]:9798)';
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const host = m?.[1] ?? m?.[2];
  const ip = host === undefined ? null : parseIp(host);
  if (!m || ip === null || (m[1] !== undefined && ip.family !== 6)) throw new UsageError(`--listen: ${quoteValue(text)} is not valid; ${hint}`);
  const port = Number(m[3]);
  if (port > 65535) throw new UsageError(`--listen: ${quoteValue(text)} has a bad port; valid: 0 (any free port) to 65535`);
  return { host: ip.addr.toString(), port, loopback: ip.addr.range() === 'loopback' };
}

export function millis(text: string | undefined, option: string, bounds: { min: number; max: number; fallback: number }): number {
  if (text === undefined) return bounds.fallback;
  if (!/^\d{1,7}$/.test(text.trim()) || Number(text) < bounds.min || Number(text) > bounds.max) {
    throw new UsageError(`${option}: ${quoteValue(text)} is not valid; expected a whole number of milliseconds from ${bounds.min} to ${bounds.max}`);
  }
  return Number(text);
}

export function phaseCap(text: string | undefined): number {
  return millis(text, '--timeout', TIMEOUT_MS);
}
