// Turns the check command's flags into a validated CheckRequest (bar the agents).
// Every problem is one line naming the valid values, exit code 2.
import { type HttpProxy, parseProxyUrl, withScheme } from '../core/proxy-url.js';
import { type DnsServer, parseDnsServer } from '../core/site.js';
import { quoteValue } from '../core/text.js';
import { UsageError } from './exit-codes.js';

export interface CheckFlags {
  dnsServer?: string;
  proxy?: string;
  pac?: string;
  timeout?: string;
  concurrency?: string;
  json?: boolean;
}

export const TIMEOUT_MS = { min: 100, max: 120_000, fallback: 5000 } as const;
export const CONCURRENCY = { min: 1, max: 1000 } as const;

/** The proxy password may come from the environment, to keep it out of `ps` and shell history. */
export const PASSWORD_ENV = 'EMAINT_PROXY_PASSWORD';

export interface ParsedCheck {
  dnsServer: DnsServer | 'system';
  proxy: HttpProxy | null;
  pacFile: string | null;
  timeoutMs: number;
  concurrency: number | null;
}

export function parseCheckFlags(flags: CheckFlags, env: NodeJS.ProcessEnv): ParsedCheck {
  return {
    dnsServer: flags.dnsServer === undefined ? 'system' : parseDnsServer(flags.dnsServer),
    proxy: flags.proxy === undefined ? null : parseProxyUrl(flags.proxy, '--proxy', env[PASSWORD_ENV]),
    pacFile: flags.pac === undefined ? null : nonEmpty(flags.pac, '--pac', 'a PAC file path'),
    timeoutMs: integer(flags.timeout, '--timeout', TIMEOUT_MS.min, TIMEOUT_MS.max, 'milliseconds per phase') ?? TIMEOUT_MS.fallback,
    concurrency: integer(flags.concurrency, '--concurrency', CONCURRENCY.min, CONCURRENCY.max, 'flows at a time'),
  };
}

function integer(text: string | undefined, option: string, min: number, max: number, what: string): number | null {
  if (text === undefined) return null;
  if (!/^\d{1,7}$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${option}: ${quoteValue(text)} is not valid; expected a whole number of ${what} from ${min} to ${max}`);
  }
  return Number(text);
}

function nonEmpty(text: string, option: string, what: string): string {
  if (text.trim() === '') throw new UsageError(`${option} is empty; expected ${what}`);
  return text;
}

/** Whether a --proxy URL carries a password itself (and so shows it in `ps`). */
export function passwordInUrl(text: string): boolean {
  try {
    return new URL(withScheme(text)).password !== '';
  } catch {
    return false;
  }
}
