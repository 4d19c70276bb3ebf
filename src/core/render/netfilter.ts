// What the two Linux targets (iptables, nftables) share: address families, set
// contents from --resolve, and the dnsmasq name patterns that keep sets filled.
import type { Destination } from '../rules.js';
import { type Family, type Source, parseIp } from '../site.js';
import { quoteValue } from '../text.js';
import { RenderError } from './engine.js';
import type { Resolution } from './target.js';

/** IPv4 unless only IPv6 sources are given; IPv6 when there are IPv6 sources, or
 *  addresses found by --resolve while the sources allow IPv6 (any). */
export function families(sources: readonly Source[], resolution: Resolution | null): Family[] {
  const out: Family[] = [];
  if (sources.length === 0 || sources.some((s) => s.family === 4)) out.push(4);
  const v6Addresses = [...(resolution?.hosts.values() ?? [])].some((h) => h.addresses.some((a) => a.family === 6));
  if (sources.some((s) => s.family === 6) || (sources.length === 0 && v6Addresses)) out.push(6);
  return out;
}

/** Where a set's addresses come from, for the comment above it. */
export function resolutionNote(d: Destination, family: Family, resolution: Resolution | null): string {
  if (d.kind === 'wildcard') return `filled by dnsmasq as names under ${d.domain} are looked up (a wildcard cannot be resolved ahead)`;
  if (resolution === null) return 'filled by dnsmasq as the name is looked up (render with --resolve to fill it now)';
  const r = resolution.hosts.get(d.name);
  if (!r) return `not resolved; filled by dnsmasq`;
  if (r.error !== null) return `not resolved at ${resolution.at} from ${resolution.server}: ${r.error}; filled by dnsmasq`;
  const mine = r.addresses.filter((a) => a.family === family);
  if (mine.length === 0) return `resolved at ${resolution.at} from ${resolution.server}: no ${family === 4 ? 'A' : 'AAAA'} records`;
  const ttl = Math.min(...mine.map((a) => a.ttl));
  return `resolved at ${resolution.at} from ${resolution.server}: ${mine.length} address${mine.length > 1 ? 'es' : ''}, ttl ${ttl} s`;
}

/** dnsmasq's name pattern: `/host/` for a host, `/*.domain/` for a vendor wildcard. */
export function dnsmasqMatch(d: Destination): string {
  return d.kind === 'wildcard' ? `*.${d.domain}` : d.name;
}

const DNS_NAME = /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

export function dnsmasqDomain(v: unknown): string {
  if (typeof v !== 'string' || !DNS_NAME.test(v)) throw new RenderError(`dnsmasq name: ${quoteValue(String(v))} is not a DNS name`);
  return v;
}

export function addressEscaper(v: unknown): string {
  const ip = typeof v === 'string' ? parseIp(v) : null;
  if (ip === null) throw new RenderError(`address: ${quoteValue(String(v))} is not an IP address`);
  return ip.addr.toString();
}

export function portEscaper(v: unknown): string {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) throw new RenderError(`port: ${String(v)} is not a port`);
  return String(v);
}
