// A probe must answer within the scrape's deadline, which Prometheus sends as
// X-Prometheus-Scrape-Timeout-Seconds. A check has no overall timeout: each phase has its
// own, and one flow runs its phases one after another. So each phase gets the deadline,
// less a margin for the answer to travel, divided by the most phases a flow can chain.
import { InputError } from '../errors.js';

/** A scrape whose deadline cannot be met: the exporter answers 400 with this message. */
export class DeadlineError extends InputError {
  override name = 'DeadlineError';
}

export type RouteKind = 'direct' | 'proxy' | 'pac';

/**
 * The phases a flow can run one after another, each with the whole phase timeout:
 * direct: DNS, TCP, TLS, and the HEAD / sent inside a session whose certificate did not
 * verify; through a proxy: the proxy's name, TCP to it, its answer to CONNECT, TLS, HEAD;
 * with a PAC file, its evaluation first.
 */
export const SERIAL_PHASES: Record<RouteKind, number> = { direct: 4, proxy: 5, pac: 6 };

/** Without the header (a person with curl): Prometheus's own default scrape_timeout. */
export const DEFAULT_SCRAPE_TIMEOUT_MS = 10_000;
/** Longer scrape timeouts are taken as this: a probe never holds a connection longer. */
export const MAX_SCRAPE_TIMEOUT_MS = 300_000;

/** The header's value in milliseconds; undefined means the default. */
export function scrapeTimeoutMs(header: string | undefined): number {
  if (header === undefined) return DEFAULT_SCRAPE_TIMEOUT_MS;
  const text = header.trim();
  // As Prometheus writes it: a plain decimal number of seconds ("10", "2.5").
  if (!/^\d{1,6}(\.\d{1,9})?$/.test(text) || Number(text) <= 0) {
    throw new DeadlineError('X-Prometheus-Scrape-Timeout-Seconds is not a positive number of seconds');
  }
  return Math.min(MAX_SCRAPE_TIMEOUT_MS, Math.round(Number(text) * 1000));
}

export interface DeadlinePolicy {
  /** Kept back from the scrape timeout for the answer to be written and travel. */
  offsetMs: number;
  /** No phase waits longer than this, however long the scrape may take. */
  maxPhaseMs: number;
  /** Below this a phase cannot judge anything (the check's own lower bound). */
  minPhaseMs: number;
}

/** Each phase's timeout for a scrape of `scrapeMs` over a route of `route`. */
export function phaseTimeoutMs(scrapeMs: number, route: RouteKind, policy: DeadlinePolicy): number {
  const budget = scrapeMs - policy.offsetMs;
  const each = Math.floor(budget / SERIAL_PHASES[route]);
  if (each < policy.minPhaseMs) {
    const needed = (policy.offsetMs + policy.minPhaseMs * SERIAL_PHASES[route]) / 1000;
    throw new DeadlineError(
      `a scrape timeout of ${scrapeMs / 1000} s leaves less than ${policy.minPhaseMs} ms for each of the ${SERIAL_PHASES[route]} phases a flow can chain ` +
        `(${route}); give at least ${needed} s`,
    );
  }
  return Math.min(each, policy.maxPhaseMs);
}

/** How long a scrape waits for its probe: the scrape timeout less half the offset (the rest is for the answer). */
export function answerWithinMs(scrapeMs: number, offsetMs: number): number {
  return Math.max(0, scrapeMs - Math.ceil(offsetMs / 2));
}
