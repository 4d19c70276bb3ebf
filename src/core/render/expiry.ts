// Set timeouts for the two Linux targets: addresses leave the sets some time after they
// were last renewed, so that an address the cloud has given up does not stay allowed for
// ever. What the files say about it, and the dnsmasq caps that keep its cache from
// handing out an address that has already left the sets.
import { RenderError } from './engine.js';
import { showSetTimeout } from './options.js';
import type { Site } from './target.js';

/** How long addresses stay in the sets once nothing renews them (the set-timeout option). */
export interface Expiry {
  /** The sets' timeout, seconds. */
  seconds: number;
  /** The cap on dnsmasq's cache and on the TTLs it hands out: one second below the timeout,
   *  so that the TTL dnsmasq rounds to whole seconds still ends before the address leaves. */
  dnsmasqCap: number;
}

export function expiry(site: Pick<Site, 'addressTimeout'>): Expiry | null {
  return site.addressTimeout === null ? null : { seconds: site.addressTimeout, dnsmasqCap: site.addressTimeout - 1 };
}

/** A whole number of seconds, as the timeout and the dnsmasq caps are written. */
export function secondsEscaper(v: unknown): string {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new RenderError(`seconds: ${String(v)} is not a whole number of seconds`);
  return String(v);
}

const lasting = (e: Expiry) => `${e.seconds} s (${showSetTimeout(e.seconds)})`;

/**
 * What expires and what renews it, for the file that holds the sets. Found with the real
 * tools (dnsmasq 2.90, ipset 7.17, nft 1.0.6): dnsmasq adds an address only when it
 * forwards an answer, never when it answers from its cache; its ipset add renews an
 * address already in the set, its nftset add does not; a packet through the renewing
 * rule does, for both. test/render-enforce.test.ts checks the renewal by traffic, the
 * expiry and the dnsmasq caps.
 */
export function expiryNotes(target: 'iptables' | 'nftables', e: Expiry | null): string[] {
  if (e === null) {
    return ['Set timeout none: addresses never leave the sets, so an address the cloud has given up stays allowed until the sets are destroyed.'];
  }
  const renew =
    target === 'iptables'
      ? [
          'It is renewed by every packet of an allowed flow that reaches the chain (-j SET --exist before each accept)',
          'and by every answer dnsmasq forwards for the name. Answers dnsmasq serves from its cache add nothing, so its',
          `snippet keeps them shorter-lived than the timeout (max-cache-ttl and max-ttl ${e.dnsmasqCap} s).`,
        ]
      : [
          'It is renewed by every packet of an allowed flow that reaches the chain (update @set before each accept).',
          'dnsmasq adds an address with this timeout when it forwards an answer, but adding one already in the set does',
          'not renew it, and answers from its cache add nothing: an address still in the DNS answers that no device used',
          `for ${e.seconds} s leaves the set until dnsmasq's next forwarded answer adds it back, within the name's TTL and`,
          `at most ${e.dnsmasqCap} s later (the snippet's max-cache-ttl and max-ttl); a device that picks it from an`,
          'earlier answer meanwhile is dropped.',
        ];
  const upgrade =
    target === 'iptables'
      ? [
          'ipset cannot give a timeout to a set made without one, nor change it ("set with the same name already exists"):',
          'the first time, and after changing the timeout, flush the chain and destroy the sets before applying (README).',
        ]
      : [
          'nft cannot give a timeout to a set made without one ("File exists"): the first time, or if it refuses a changed',
          'timeout, flush chain emaint_egress and delete the old sets before applying (README).',
        ];
  return [
    [
      `Each address leaves its set ${lasting(e)} after it was last renewed, so an address the cloud has given up does`,
      'not stay allowed for ever.',
      ...renew,
    ].join(' '),
    [
      "With the jump below the site's own accept of established connections, only new connections renew it.",
      'Addresses listed in this file get the same timeout from when it is applied.',
    ].join(' '),
    upgrade.join(' '),
  ];
}

/** For the iptables rules file: what the SET rule before each accept is for. */
export function renewNote(e: Expiry | null): string[] {
  if (e === null) return [];
  return [
    [
      `Before each accept, "-j SET --add-set ... --exist" restarts the address's ${e.seconds} s timeout in its set`,
      "(the set's own timeout applies), so the addresses in use stay; the .ipset file says what expires and why.",
    ].join(' '),
  ];
}

/** Why the dnsmasq snippet caps its cache and TTLs, and what that does to the site. */
export function dnsmasqExpiryNotes(e: Expiry): string[] {
  return [
    [
      `The sets forget an address ${lasting(e)} after it was last renewed, and dnsmasq adds addresses to them only`,
      'from answers it forwards, never from its cache. These two lines keep every answer shorter-lived than that: no',
      `cache entry (max-cache-ttl) and no TTL handed out (max-ttl) lasts more than ${e.dnsmasqCap} s.`,
    ].join(' '),
    [
      `They apply to every name this dnsmasq answers (longer TTLs are cut to ${e.dnsmasqCap} s). dnsmasq refuses to`,
      'start when either is set twice ("illegal repeated keyword"): if the site sets them already, keep the smaller',
      'values once.',
      // dnsmasq limits min-cache-ttl to an hour: only a shorter cap can be undone by it.
      ...(e.dnsmasqCap < 3600 ? [`A min-cache-ttl above ${e.dnsmasqCap} s would undo them.`] : []),
    ].join(' '),
  ];
}
