// What a resolved address says about the name: a public address, one that works but
// points at split-horizon DNS (private, loopback), or one no host can be reached at
// (0.0.0.0, multicast, broadcast, reserved space): a DNS filter's or sinkhole's answer.
// Pure: `check` and `render --resolve` read answers through it alike.
import ipaddr from 'ipaddr.js';

export type AddressKind = 'public' | 'special' | 'sinkhole';

export interface AddressRange {
  kind: AddressKind;
  /** ipaddr.js's name for the range (unicast, private, loopback, unspecified, ...). */
  range: string;
}

/** Ranges nothing can be reached at: a connection there never means the flow works.
 *  IPv4-mapped IPv6 answers are judged as the IPv4 address they carry (::ffff:0.0.0.0). */
const SINKHOLE = new Set(['unspecified', 'broadcast', 'multicast', 'reserved', 'discard']);

/** 198.18.0.0/15 is kept connectable: "fake-IP" DNS proxies answer from it and then carry
 *  the connection, so it is a warning, not an impossible answer. */
const BENCHMARKING = ipaddr.parseCIDR('198.18.0.0/15');

export function addressRange(address: string): AddressRange | null {
  if (!ipaddr.isValid(address)) return null;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  if (parsed.kind() === 'ipv4' && parsed.match(BENCHMARKING)) return { kind: 'special', range: 'benchmarking' };
  const range = parsed.range();
  if (range === 'unicast') return { kind: 'public', range };
  return { kind: SINKHOLE.has(range) ? 'sinkhole' : 'special', range };
}

/** The answers split by what they say: which to connect to, which to warn about, which
 *  to never use. An address that does not parse is dropped as impossible. */
export function sortAnswers<T extends { address: string }>(
  answers: readonly T[],
): {
  usable: T[];
  special: { address: string; range: string }[];
  sinkhole: { address: string; range: string }[];
} {
  const usable: T[] = [];
  const special: { address: string; range: string }[] = [];
  const sinkhole: { address: string; range: string }[] = [];
  for (const a of answers) {
    const r = addressRange(a.address) ?? { kind: 'sinkhole' as const, range: 'invalid' };
    if (r.kind === 'sinkhole') {
      sinkhole.push({ address: a.address, range: r.range });
      continue;
    }
    if (r.kind === 'special') special.push({ address: a.address, range: r.range });
    usable.push(a);
  }
  return { usable, special, sinkhole };
}
