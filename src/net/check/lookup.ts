// The DNS phase of a check: the site's resolver through our dns-packet stub (chain,
// TTL), or the platform resolver where the site has none configured. One lookup per
// host, however many flows share it.
import { lookup as platformLookup } from 'node:dns/promises';
import { sortAnswers } from '../../core/address-range.js';
import { isLocalErrorCode, localResource } from '../../core/check/local.js';
import type { DnsFinding, DnsProblem, FamilyFailure } from '../../core/check/result.js';
import type { DnsServer, Family } from '../../core/site.js';
import { DnsError, type FamilyError, resolveName, serverText } from '../dns.js';
import { elapsed } from './elapsed.js';
import { memo } from './memo.js';

export interface Found {
  address: string;
  family: Family;
}

export type LookupOutcome =
  | { ok: true; addresses: Found[]; finding: DnsFinding; ms: number }
  /** `local`: this machine's own error code (EMFILE, ...): no verdict on the resolver. */
  | { ok: false; problem: DnsProblem; detail: string; finding: DnsFinding; ms: number; local?: string };

export type Resolver = (host: string) => Promise<LookupOutcome>;

/** Asks the site's resolver, with the whole lookup (A, AAAA, CNAMEs, TCP) inside `timeoutMs`. */
export function siteResolver(server: DnsServer, timeoutMs: number): Resolver {
  const shown = serverText(server);
  return async (host) => {
    const started = performance.now();
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const base = { server: shown, port: server.port };
    try {
      const r = await resolveName(host, { server, timeoutMs, signal: deadline.signal });
      const ms = elapsed(started);
      const ttl = r.addresses.length > 0 ? Math.min(...r.addresses.map((a) => a.ttl)) : null;
      const failures = r.failures.map((f) => familyFailure(f, timeoutMs));
      if (r.addresses.length === 0) {
        const finding: DnsFinding = { ...base, chain: r.chain, ttl, special: [], sinkhole: [], failures };
        return { ok: false, problem: 'no-address', detail: `${shown} has no A or AAAA record for ${chainText(r.chain)}`, finding, ms };
      }
      return judged(r.addresses, { ...base, chain: r.chain, ttl, failures }, ms);
    } catch (err) {
      const finding: DnsFinding = { ...base, chain: [host], ttl: null, special: [], sinkhole: [], failures: [] };
      return { ok: false, ...dnsFailure(err, shown, server.port, timeoutMs), finding, ms: elapsed(started) };
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * The addresses as the check may use them: sinkhole answers (0.0.0.0, multicast, ...) are
 * never connected to; only sinkhole answers make the name a DNS failure of its own.
 */
function judged(addresses: readonly Found[], finding: Omit<DnsFinding, 'special' | 'sinkhole'>, ms: number): LookupOutcome {
  const { usable, special, sinkhole } = sortAnswers(addresses);
  const full: DnsFinding = { ...finding, special, sinkhole };
  if (usable.length === 0) {
    const shown = sinkhole.map((s) => `${s.address} (${s.range})`).join(', ');
    const who = finding.server === 'platform' ? 'the platform resolver' : finding.server;
    return {
      ok: false,
      problem: 'sinkhole',
      detail: `${who} answers ${chainText(finding.chain)} with ${shown}: no host can be reached there (a DNS filter or sinkhole)`,
      finding: full,
      ms,
    };
  }
  return { ok: true, addresses: usable.map(({ address, family }) => ({ address, family })), finding: full, ms };
}

function familyFailure(f: FamilyError, timeoutMs: number): FamilyFailure {
  const e = f.error;
  const reason =
    e.code === 'rcode' ? (e.rcode ?? 'an error') : e.code === 'timeout' ? `no answer within ${timeoutMs} ms` : e.code === 'loop' ? 'a CNAME loop' : e.message;
  return { type: f.type, reason };
}

function dnsFailure(err: unknown, shown: string, port: number, timeoutMs: number): { problem: DnsProblem; detail: string; local?: string } {
  if (err instanceof DnsError) {
    if (err.code === 'local') {
      const code = err.errno ?? 'ERROR';
      return { problem: 'no-answer', detail: `this machine could not ask ${shown}: out of ${localResource(code)} (${code})`, local: code };
    }
    if (err.code === 'timeout') return { problem: 'no-answer', detail: `${shown} did not answer within ${timeoutMs} ms (udp/${port})` };
    if (err.code === 'network') return { problem: 'no-answer', detail: err.message };
    if (err.code === 'loop') return { problem: 'cname-loop', detail: `${shown} answers with ${err.message.replace(/^[^:]*: /, '')}` };
    if (err.code === 'malformed') return { problem: 'server-error', detail: `${shown} answers with a CNAME to a malformed name` };
    if (err.rcode === 'NXDOMAIN') return { problem: 'no-such-name', detail: `${shown} says the name does not exist (NXDOMAIN)` };
    if (err.code === 'rcode') return { problem: 'server-error', detail: `${shown} answered ${err.rcode ?? 'an error'}` };
    return { problem: 'server-error', detail: err.message };
  }
  throw err;
}

/** The system's own resolver (getaddrinfo): no TTL and no CNAME chain to report. */
export function platformResolver(timeoutMs: number): Resolver {
  return async (host) => {
    const started = performance.now();
    const finding: DnsFinding = { server: 'platform', port: null, chain: [host], ttl: null, special: [], sinkhole: [], failures: [] };
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
    try {
      const r = await Promise.race([platformLookup(host, { all: true, verbatim: true }), late]);
      if (r === 'late')
        return { ok: false, problem: 'no-answer', detail: `the platform resolver did not answer within ${timeoutMs} ms`, finding, ms: elapsed(started) };
      const addresses = r.map((a) => ({ address: a.address, family: (a.family === 6 ? 6 : 4) as Family }));
      return judged(addresses, finding, elapsed(started));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (isLocalErrorCode(code))
        return {
          ok: false,
          problem: 'no-answer',
          detail: `this machine could not ask the platform resolver: ${code}`,
          finding,
          ms: elapsed(started),
          ...(code ? { local: code } : {}),
        };
      const problem: DnsProblem = code === 'ENOTFOUND' ? 'no-such-name' : code === 'ENODATA' ? 'no-address' : 'no-answer';
      return { ok: false, problem, detail: `the platform resolver failed: ${code ?? (err as Error).message}`, finding, ms: elapsed(started) };
    } finally {
      clearTimeout(timer);
    }
  };
}

/** One lookup per host: flows to the same host share it. */
export function once(resolver: Resolver): Resolver {
  return memo(resolver);
}

function chainText(chain: readonly string[]): string {
  return chain.join(' -> ');
}
