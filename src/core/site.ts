// Site options for rendering and checking: parsed and validated here, once, so the
// renderers only ever see values they can print. Pure: no I/O.
import ipaddr from 'ipaddr.js';
import { InputError } from './errors.js';
import { hasUnsafe, quoteValue } from './text.js';

/** A user value that cannot be used; the message is one line and names the valid values. */
export class SiteOptionError extends InputError {
  override name = 'SiteOptionError';
}

export type Family = 4 | 6;

/** An address or network the rules apply to (the MFDs or agent hosts). */
export interface Source {
  /** Normalised network address, e.g. 10.1.2.0 or 2001:db8::. */
  address: string;
  prefix: number;
  family: Family;
  /** `address/prefix`, the form every target accepts. */
  cidr: string;
}

export interface HostPort {
  /** Host name (lower case) or IP address (IPv6 without brackets). */
  host: string;
  port: number;
  /** `host:port`, with brackets around an IPv6 address. */
  text: string;
}

export interface DnsServer {
  address: string;
  family: Family;
  port: number;
}

/** Parses `--source`: IPv4/IPv6 addresses or CIDRs, comma-separated. An address is a /32 or /128. */
export function parseSources(text: string, option = '--source'): Source[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.every((s) => s === '')) throw new SiteOptionError(`${option} is empty; ${SOURCE_HINT}`);
  const out = new Map<string, Source>();
  for (const item of items) {
    if (item === '') throw new SiteOptionError(`${option} has an empty item in ${quoteValue(text)}; ${SOURCE_HINT}`);
    const s = parseSource(item, option);
    out.set(s.cidr, s);
  }
  return [...out.values()];
}

const SOURCE_HINT = 'expected IPv4 or IPv6 addresses or networks, comma-separated (e.g. 10.1.2.0/24,2001:db8:1::/64)';

function parseSource(item: string, option: string): Source {
  const slash = item.indexOf('/');
  const addrText = slash < 0 ? item : item.slice(0, slash);
  const prefixText = slash < 0 ? null : item.slice(slash + 1);
  const parsed = parseIp(addrText);
  if (parsed === null) throw new SiteOptionError(`${option}: ${quoteValue(item)} is not an address or network; ${SOURCE_HINT}`);
  const max = parsed.family === 4 ? 32 : 128;
  let prefix = max;
  if (prefixText !== null) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
      throw new SiteOptionError(`${option}: ${quoteValue(item)} has a bad prefix length; valid: 0 to ${max}`);
    }
    prefix = Number(prefixText);
  }
  const network = networkOf(parsed.addr, prefix);
  const address = network.toString();
  if (address !== parsed.addr.toString()) {
    // A typo like 10.1.2.5/24 is more likely than a wish for the whole network: ask.
    throw new SiteOptionError(`${option}: ${quoteValue(item)} has host bits set; did you mean ${address}/${prefix}?`);
  }
  return { address, prefix, family: parsed.family, cidr: `${address}/${prefix}` };
}

function networkOf(addr: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): ipaddr.IPv4 | ipaddr.IPv6 {
  return addr.kind() === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${prefix}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${prefix}`);
}

/** Strict IP parsing: four decimal parts for IPv4 (no octal, hex or short forms), no IPv6 zone. */
export function parseIp(text: string): { addr: ipaddr.IPv4 | ipaddr.IPv6; family: Family } | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return { addr: ipaddr.IPv4.parse(text), family: 4 };
  if (text.includes(':') && !text.includes('%') && ipaddr.IPv6.isValid(text)) {
    return { addr: ipaddr.IPv6.parse(text), family: 6 };
  }
  return null;
}

/** RFC 1123 host name: lower-case letters, digits and hyphens in dot-separated labels. */
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

function parsePort(text: string, option: string, whole: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new SiteOptionError(`${option}: ${quoteValue(whole)} has a bad port; valid: 1 to 65535`);
  }
  return Number(text);
}

/** Parses `host:port` (IPv6 as `[addr]:port`). `defaultPort` makes the port optional. */
export function parseHostPort(text: string, option: string, defaultPort?: number): HostPort {
  const hint = `expected host:port (e.g. proxy.example.com:8080, 10.0.0.1:3128, [2001:db8::1]:3128)`;
  let host: string;
  let portText: string | null;
  const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracket) {
    host = bracket[1] ?? '';
    portText = bracket[2] ?? null;
    if (parseIp(host)?.family !== 6) throw new SiteOptionError(`${option}: ${quoteValue(text)} is not valid; ${hint}`);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon >= 0 && text.indexOf(':') !== colon) {
      // A bare IPv6 address: only valid without a port.
      host = text;
      portText = null;
    } else {
      host = colon < 0 ? text : text.slice(0, colon);
      portText = colon < 0 ? null : text.slice(colon + 1);
    }
  }
  const ip = parseIp(host);
  if (ip === null) {
    host = host.toLowerCase();
    if (!HOSTNAME.test(host) || /^[\d.]+$/.test(host)) {
      throw new SiteOptionError(`${option}: ${quoteValue(text)} is not valid; ${hint}`);
    }
  } else {
    host = ip.addr.toString();
  }
  if (portText === null && defaultPort === undefined) {
    throw new SiteOptionError(`${option}: ${quoteValue(text)} has no port; ${hint}`);
  }
  const port = portText === null ? (defaultPort as number) : parsePort(portText, option, text);
  const shown = ip?.family === 6 ? `[${host}]` : host;
  return { host, port, text: `${shown}:${port}` };
}

/** Parses `--dns-server ip[:port]`: a resolver is an address, never a name. */
export function parseDnsServer(text: string, option = '--dns-server'): DnsServer {
  const hint = 'expected an IP address with an optional port (e.g. 10.0.0.53, 10.0.0.53:5353, [2001:db8::53]:53)';
  let hp: HostPort;
  try {
    hp = parseHostPort(text, option, 53);
  } catch {
    throw new SiteOptionError(`${option}: ${quoteValue(text)} is not valid; ${hint}`);
  }
  const ip = parseIp(hp.host);
  if (ip === null) throw new SiteOptionError(`${option}: ${quoteValue(text)} is not an IP address; ${hint}`);
  return { address: hp.host, family: ip.family, port: hp.port };
}

/** The first `nameserver` line of a resolv.conf text, or null. */
export function firstNameserver(resolvConf: string): DnsServer | null {
  for (const line of resolvConf.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (!m?.[1]) continue;
    const ip = parseIp(m[1].replace(/%.*$/, ''));
    if (ip) return { address: ip.addr.toString(), family: ip.family, port: 53 };
  }
  return null;
}

/** Free text for comments and descriptions (`--site`): printable, one line, bounded. */
export function parseLabel(text: string, option = '--site', max = 80): string {
  const label = text.trim();
  if (label === '') throw new SiteOptionError(`${option} is empty; give a short site name, e.g. "ACME Utrecht, floor 2"`);
  // Control, format (zero-width, bidi) and line-separator characters cannot be shown safely in any target.
  if (hasUnsafe(label)) {
    throw new SiteOptionError(`${option}: ${quoteValue(label)} contains control characters; use printable text on one line`);
  }
  if ([...label].length > max) throw new SiteOptionError(`${option} is longer than ${max} characters`);
  return label;
}

/** An identifier the user picks for the firewall (interface, zone, table): a strict pattern. */
export function parseName(text: string, option: string, pattern: RegExp, describe: string): string {
  if (!pattern.test(text)) throw new SiteOptionError(`${option}: ${quoteValue(text)} is not valid; expected ${describe}`);
  return text;
}

export const NFT_FAMILIES = ['inet', 'ip', 'ip6'] as const;
export type NftFamily = (typeof NFT_FAMILIES)[number];
/** nftables table (and set) names as we accept them: no quoting needed anywhere. */
export const NFT_NAME = '[A-Za-z][A-Za-z0-9_]{0,63}';

/** Parses `--nft-table "[inet|ip|ip6] name"`; the family defaults to inet. */
export function parseNftTable(text: string, option = '--nft-table'): { family: NftFamily; name: string } {
  const m = new RegExp(`^(?:(${NFT_FAMILIES.join('|')})\\s+)?(${NFT_NAME})$`).exec(text.trim());
  if (!m) throw new SiteOptionError(`${option}: ${quoteValue(text)} is not valid; expected "[inet|ip|ip6] name", e.g. "inet filter"`);
  return { family: (m[1] ?? 'inet') as NftFamily, name: m[2] as string };
}

/** `ip` when the port is 53, else `ip:port` (`[ip6]:port`). */
export function dnsServerText(s: DnsServer): string {
  if (s.port === 53) return s.address;
  return s.family === 6 ? `[${s.address}]:${s.port}` : `${s.address}:${s.port}`;
}
