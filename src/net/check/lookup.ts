// The DNS phase of a check: the site's resolver through our dns-packet stub (chain,
// TTL), or the platform resolver where the site has none configured. One lookup per
// host, however many flows share it.
import { lookup as platformLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import type { DnsFinding, DnsProblem, SpecialAddress } from '../../core/check/result.js';
import type { DnsServer, Family } from '../../core/site.js';
import { DnsError, resolveName, serverText } from '../dns.js';
import { elapsed } from './elapsed.js';
import { memo } from './memo.js';

export interface Found {
  address: string;
  family: Family;
}

export type LookupOutcome =
  | { ok: true; addresses: Found[]; finding: DnsFinding; ms: number }
  | { ok: false; problem: DnsProblem; detail: string; finding: DnsFinding; ms: number };

export type Resolver = (host: string) => Promise<LookupOutcome>;

/** Asks the site's resolver, with the whole lookup (A, AAAA, CNAMEs, TCP) inside `timeoutMs`. */
export function siteResolver(server: DnsServer, timeoutMs: number): Resolver {
  const shown = serverText(server);
  return async (host) => {
    const started = performance.now();
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    try {
      const r = await resolveName(host, { server, timeoutMs, signal: deadline.signal });
      const ms = elapsed(started);
      const finding: DnsFinding = {
        server: shown,
        chain: r.chain,
        ttl: r.addresses.length > 0 ? Math.min(...r.addresses.map((a) => a.ttl)) : null,
        special: special(r.addresses.map((a) => a.address)),
      };
      if (r.addresses.length === 0) {
        return { ok: false, problem: 'no-address', detail: `${shown} has no A or AAAA record for ${chainText(r.chain)}`, finding, ms };
      }
      return { ok: true, addresses: r.addresses.map(({ address, family }) => ({ address, family })), finding, ms };
    } catch (err) {
      const finding: DnsFinding = { server: shown, chain: [host], ttl: null, special: [] };
      return { ok: false, ...dnsFailure(err, shown, timeoutMs), finding, ms: elapsed(started) };
    } finally {
      clearTimeout(timer);
    }
  };
}

function dnsFailure(err: unknown, shown: string, timeoutMs: number): { problem: DnsProblem; detail: string } {
  if (err instanceof DnsError) {
    if (err.code === 'timeout') return { problem: 'no-answer', detail: `${shown} did not answer within ${timeoutMs} ms` };
    if (err.code === 'network') return { problem: 'no-answer', detail: err.message };
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
    const finding: DnsFinding = { server: 'platform', chain: [host], ttl: null, special: [] };
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
    try {
      const r = await Promise.race([platformLookup(host, { all: true, verbatim: true }), late]);
      if (r === 'late') return { ok: false, problem: 'no-answer', detail: `the platform resolver did not answer within ${timeoutMs} ms`, finding, ms: elapsed(started) };
      const addresses = r.map((a) => ({ address: a.address, family: (a.family === 6 ? 6 : 4) as Family }));
      return { ok: true, addresses, finding: { ...finding, special: special(addresses.map((a) => a.address)) }, ms: elapsed(started) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
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

/** Answers outside public unicast space (private, loopback, sinkhole ranges...). */
export function special(addresses: readonly string[]): SpecialAddress[] {
  const out: SpecialAddress[] = [];
  for (const address of addresses) {
    if (!ipaddr.isValid(address)) continue;
    let parsed = ipaddr.parse(address);
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    const range = parsed.range();
    if (range !== 'unicast') out.push({ address, range });
  }
  return out;
}

function chainText(chain: readonly string[]): string {
  return chain.join(' -> ');
}
