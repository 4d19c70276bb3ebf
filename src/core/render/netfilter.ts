// What the two Linux targets (iptables, nftables) share: address families, set
// contents from --resolve, and the dnsmasq name patterns that keep sets filled.
import type { Destination } from '../rules.js';
import { type Family, type Source, parseIp } from '../site.js';
import { quoteValue } from '../text.js';
import { RenderError } from './engine.js';
import { BASENAME, type Position, type Resolution } from './target.js';
import { why } from './words.js';

/** IPv4 unless only IPv6 sources are given; IPv6 when there are IPv6 sources, or
 *  addresses found by --resolve while the sources allow IPv6 (any). */
export function families(sources: readonly Source[], resolution: Resolution | null): Family[] {
  const out: Family[] = [];
  if (sources.length === 0 || sources.some((s) => s.family === 4)) out.push(4);
  const v6Addresses = [...(resolution?.hosts.values() ?? [])].some((h) => h.addresses.some((a) => a.family === 6));
  if (sources.some((s) => s.family === 6) || (sources.length === 0 && v6Addresses)) out.push(6);
  return out;
}

/** The addresses --resolve found for a set: its host's, or for a wildcard, those of the
 *  planned hosts it covers (dnsmasq adds the addresses of other names later). */
export function setAddresses(d: Destination, family: Family, resolution: Resolution | null): string[] {
  if (resolution === null) return [];
  const out = new Set<string>();
  for (const h of d.hosts) for (const a of resolution.hosts.get(h)?.addresses ?? []) if (a.family === family) out.add(a.address);
  return [...out];
}

/** Where a set's addresses come from, for the comment above it. */
export function resolutionNote(d: Destination, family: Family, resolution: Resolution | null): string {
  const names = d.kind === 'wildcard' ? `names under ${d.domain}` : 'the name';
  if (resolution === null) {
    const now = d.kind === 'host' ? ' (render with --resolve to fill it now)' : '';
    return `filled by dnsmasq as ${names} ${d.kind === 'wildcard' ? 'are' : 'is'} looked up${now}`;
  }
  const results = d.hosts.map((h) => resolution.hosts.get(h));
  const failed = d.hosts.filter((_, i) => results[i]?.error !== null);
  const mine = results.flatMap((r) => r?.addresses ?? []).filter((a) => a.family === family);
  const when = `at ${resolution.at} from ${resolution.server}`;
  const resolved = d.kind === 'wildcard' ? `its ${d.hosts.length} planned hosts resolved` : 'resolved';
  const parts: string[] = [];
  if (failed.length > 0) parts.push(`not resolved ${when}: ${failed.length === 1 && d.kind === 'host' ? (results[0]?.error ?? '') : failed.join(', ')}`);
  if (failed.length < d.hosts.length) {
    const count = new Set(mine.map((a) => a.address)).size;
    const type = family === 4 ? 'A' : 'AAAA';
    const failed = results.flatMap((r) => r?.failed ?? []).find((f) => f.startsWith(`${type}:`));
    parts.push(
      count === 0
        ? `${resolved} ${when}: ${failed === undefined ? `no ${type} records` : `the resolver failed ${failed}`}`
        : `${resolved} ${when}: ${count} address${count > 1 ? 'es' : ''}, ttl ${Math.min(...mine.map((a) => a.ttl))} s`,
    );
  }
  const special = results.flatMap((r) => r?.special ?? []).filter((x) => x.address.includes(':') === (family === 6));
  if (special.length > 0) parts.push(`warning: ${special.map((x) => `${x.address} is ${x.range}`).join(', ')}: split-horizon DNS?`);
  const sinkhole = results.flatMap((r) => r?.sinkhole ?? []);
  if (sinkhole.length > 0 && failed.length < d.hosts.length)
    parts.push(`left out ${[...new Set(sinkhole.map((x) => x.address))].join(', ')}: a DNS filter's answer`);
  const adds = d.kind === 'wildcard' ? 'the addresses of other names' : 'new addresses';
  return `${parts.join('; ')}; dnsmasq adds ${adds} as ${names} ${d.kind === 'wildcard' ? 'are' : 'is'} looked up`;
}

/**
 * dnsmasq's name pattern: `/host/`, and `/domain/` for a vendor wildcard. dnsmasq 2.90
 * (Debian 12) ignores `/*.domain/` in ipset= and nftset= lines, so a wildcard set would
 * never fill; `/domain/` matches the domain and every name below it, the apex included.
 */
function dnsmasqMatch(d: Destination): string {
  return d.kind === 'wildcard' ? d.domain : d.name;
}

/** The snippet of one Linux target: its own file name (both targets can be written into
 *  one folder), and how to install it. */
export function dnsmasqFile(target: 'iptables' | 'nftables'): { name: string; install: string; apply: string } {
  const name = `${BASENAME}.${target}.dnsmasq.conf`;
  return {
    name,
    // Debian's unit checks the configuration only after stopping dnsmasq, so a snippet it
    // refuses (a max-ttl the site sets already) would leave the site without DNS: check
    // first, the way the unit does (it adds /etc/dnsmasq.d with these exclusions).
    install: `cp ${name} /etc/dnsmasq.d/ && dnsmasq --test --conf-dir=/etc/dnsmasq.d,.dpkg-dist,.dpkg-old,.dpkg-new && systemctl restart dnsmasq`,
    apply: 'copy to /etc/dnsmasq.d/, check with dnsmasq --test, restart dnsmasq (after the sets exist)',
  };
}

/** One dnsmasq line per destination: its name pattern and the sets (`setsOf(i)`) it fills. */
export function dnsmasqLines(destinations: readonly Destination[], setsOf: (i: number) => string): { why: string; match: string; sets: string }[] {
  // dnsmasq fills only the sets of the most specific pattern that matches a name: a host
  // that a vendor wildcard also covers (the IoT endpoint, by name on 8883, under
  // *.amazonaws.com on 443) lists the wildcard's sets too, or its 443 set would stay empty.
  const covering = (host: string) =>
    destinations.flatMap((w, j) => (w.kind === 'wildcard' && (host === w.domain || host.endsWith(`.${w.domain}`)) ? [setsOf(j)] : []));
  return destinations.map((d, i) => ({
    why: why(d),
    match: dnsmasqMatch(d),
    sets: [setsOf(i), ...(d.kind === 'host' ? covering(d.name) : [])].join(','),
  }));
}

const DNS_NAME = /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** A DNS name (optionally `*.`-prefixed) as dnsmasq and firewall objects take it. */
export function dnsName(v: unknown): string {
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

/** Where the jump goes, for the file's header: the reason the default is the top. */
export function placementNote(position: Position, chain: string, anchorWord: string): string {
  switch (position.at) {
    case 'top':
      return `The jump goes first in ${chain}, ahead of the site's own rules, so that a final reject or drop there cannot hide it.`;
    case 'bottom':
      return `The jump is appended to ${chain}: it is reached only if no earlier rule of the site rejects or drops the traffic.`;
    case 'before':
      return `The jump goes before ${anchorWord} ${position.anchor} of ${chain}.`;
  }
}

/** What keeps the rules across a reboot, and why dnsmasq must start after the sets. */
export const PERSIST_NOTES = {
  iptables:
    'Across reboots: save the sets and rules (Debian: ipset-persistent and iptables-persistent, ' +
    '"ipset save" and "iptables-save"); the sets must be restored before the rules. Restart dnsmasq ' +
    'whenever the sets are created anew: it does not add the answers it has cached.',
  nftables:
    'Across reboots: include this file from /etc/nftables.conf (after the site table). Restart ' +
    'dnsmasq whenever the sets are created anew: it does not add the answers it has cached.',
} as const;

/** Why an accept here may still not be enough: other base chains decide too. */
export const OTHER_CHAINS_NOTE =
  "An accept here ends only this chain's say: another base chain on the same hook with policy drop " +
  '(Docker, ufw, firewalld, another nftables table) still drops what this chain accepts.';
