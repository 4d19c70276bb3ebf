// Turns the check command's flags into a validated CheckRequest (bar the agents).
// Every problem is one line naming the valid values, exit code 2.
import { type HttpProxy, parseProxyUrl, withScheme } from '../core/proxy-url.js';
import { type DnsServer, parseDnsServer } from '../core/site.js';
import { quoteValue } from '../core/text.js';
import { CHECK_FORMATS, type CheckFormat } from './check-format.js';
import { UsageError } from './exit-codes.js';
import { type Range, parseRange } from './nagios-range.js';

export interface CheckFlags {
  dnsServer?: string;
  proxy?: string;
  pac?: string;
  timeout?: string;
  concurrency?: string;
  json?: boolean;
  format?: string;
  warning?: string;
  critical?: string;
  save?: string;
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
  format: CheckFormat;
  /** Nagios thresholds on the failed flows; null: none. */
  warning: Range | null;
  critical: Range | null;
  /** Where to save the run as JSON; null: nowhere. */
  save: string | null;
}

/** Any failed flow is CRITICAL unless --critical says otherwise ("0": alert outside 0..0). */
export const CRITICAL_DEFAULT = '0';

export function parseCheckFlags(flags: CheckFlags, env: NodeJS.ProcessEnv): ParsedCheck {
  return {
    dnsServer: flags.dnsServer === undefined ? 'system' : parseDnsServer(flags.dnsServer),
    proxy: flags.proxy === undefined ? null : parseProxyUrl(flags.proxy, '--proxy', env[PASSWORD_ENV]),
    pacFile: flags.pac === undefined ? null : nonEmpty(flags.pac, '--pac', 'a PAC file path'),
    timeoutMs: integer(flags.timeout, '--timeout', TIMEOUT_MS.min, TIMEOUT_MS.max, 'milliseconds per phase') ?? TIMEOUT_MS.fallback,
    concurrency: integer(flags.concurrency, '--concurrency', CONCURRENCY.min, CONCURRENCY.max, 'flows at a time'),
    save: flags.save === undefined ? null : nonEmpty(flags.save, '--save', 'a file name for the run, e.g. run-2026-11-21.json'),
    ...formatOf(flags),
  };
}

function formatOf(flags: CheckFlags): Pick<ParsedCheck, 'format' | 'warning' | 'critical'> {
  const given = flags.format?.trim().toLowerCase();
  if (given !== undefined && !(CHECK_FORMATS as readonly string[]).includes(given)) {
    throw new UsageError(`--format: ${quoteValue(flags.format ?? '')} is not valid; expected ${CHECK_FORMATS.join(', ')}`);
  }
  // --json stays as the short form of --format json; a contradiction is refused, not guessed.
  if (flags.json && given !== undefined && given !== 'json') throw new UsageError(`--json and --format ${given} contradict each other; give one of them`);
  const format = (given ?? (flags.json ? 'json' : 'text')) as CheckFormat;
  if (format !== 'nagios') {
    const threshold = flags.warning !== undefined ? '--warning' : flags.critical !== undefined ? '--critical' : null;
    if (threshold !== null) throw new UsageError(`${threshold} applies only to --format nagios`);
    return { format, warning: null, critical: null };
  }
  return {
    format,
    warning: flags.warning === undefined ? null : parseRange(flags.warning, '--warning'),
    critical: parseRange(flags.critical ?? CRITICAL_DEFAULT, '--critical'),
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
