// A small stub resolver on dns-packet: asks one server (the site's own) over UDP and
// retries over TCP when the answer is truncated. Answers are trusted only when they
// come from that server and carry our random id and our question; anything else
// (forged, stale or garbage) is ignored while we keep waiting.
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import ipaddr from 'ipaddr.js';
import { isLocalErrorCode } from '../core/check/local.js';
import type { DnsServer, Family } from '../core/site.js';

export type RecordType = 'A' | 'AAAA';

export interface DnsOptions {
  server: DnsServer;
  /** Per query (UDP, then TCP if truncated). */
  timeoutMs: number;
  /** Ends every pending query at once (a deadline over a whole lookup). */
  signal?: AbortSignal;
}

export interface DnsRecord {
  name: string;
  type: string;
  ttl: number;
  data: string;
}

export interface DnsAnswer {
  rcode: string;
  /** The server said the UDP answer was cut short; the TCP answer is returned instead. */
  viaTcp: boolean;
  answers: DnsRecord[];
}

/** A lookup that did not produce an answer (timeout, refused, malformed). */
export class DnsError extends Error {
  override name = 'DnsError';
  constructor(
    message: string,
    /** `local`: this machine could not send at all (out of sockets or buffers);
     *  `malformed`: a CNAME to something that is not a host name. */
    readonly code: 'timeout' | 'network' | 'rcode' | 'loop' | 'local' | 'malformed',
    /** With code rcode: the server's answer, e.g. NXDOMAIN or SERVFAIL. */
    readonly rcode?: string,
    /** With code local or network: the system's error code (EMFILE, ECONNREFUSED, ...). */
    readonly errno?: string,
  ) {
    super(message);
  }
}

/** One question to the server: UDP, and TCP when the UDP answer is truncated. */
export async function query(name: string, type: RecordType, options: DnsOptions): Promise<DnsAnswer> {
  const udp = await exchangeUdp(name, type, options);
  if (!udp.flag_tc) return toAnswer(udp, false);
  return toAnswer(await exchangeTcp(name, type, options), true);
}

function question(name: string, type: RecordType): { id: number; packet: Buffer } {
  const id = randomInt(0, 0x10000);
  const packet = dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name, class: 'IN' }],
  });
  return { id, packet };
}

/** The checks that make an answer ours: response bit, id and the exact question. */
function matches(p: dnsPacket.DecodedPacket, id: number, name: string, type: RecordType): boolean {
  const q = p.questions?.[0];
  return (
    p.type === 'response' &&
    p.id === id &&
    p.questions?.length === 1 &&
    q !== undefined &&
    q.type === type &&
    (q.class ?? 'IN') === 'IN' &&
    q.name.toLowerCase().replace(/\.$/, '') === name.toLowerCase().replace(/\.$/, '')
  );
}

function decode(buf: Buffer): dnsPacket.DecodedPacket | null {
  try {
    return dnsPacket.decode(buf);
  } catch {
    return null;
  }
}

function exchangeUdp(name: string, type: RecordType, { server, timeoutMs, signal }: DnsOptions): Promise<dnsPacket.DecodedPacket> {
  const { id, packet } = question(name, type);
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(server.family === 6 ? 'udp6' : 'udp4');
    const done = (fn: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('message');
      socket.close();
      fn();
    };
    const timer = setTimeout(() => done(() => reject(new DnsError(`no answer from ${serverText(server)} within ${timeoutMs} ms`, 'timeout'))), timeoutMs);
    const onAbort = () => done(() => reject(aborted(server)));
    if (signal?.aborted) return done(() => reject(aborted(server)));
    signal?.addEventListener('abort', onAbort);
    socket.on('error', (err) => done(() => reject(socketError(server, err, ''))));
    socket.on('message', (msg, rinfo) => {
      // connect() filters by peer already; the check stays for clarity and safety. An
      // answer larger than we advertise (no EDNS: 512) is still read when it arrives whole.
      if (rinfo.port !== server.port || normalise(rinfo.address) !== normalise(server.address)) return;
      const p = decode(msg);
      if (p && matches(p, id, name, type)) done(() => resolve(p));
    });
    socket.connect(server.port, server.address, () => socket.send(packet));
  });
}

function exchangeTcp(name: string, type: RecordType, { server, timeoutMs, signal }: DnsOptions): Promise<dnsPacket.DecodedPacket> {
  const { id, packet } = question(name, type);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted(server));
    const socket = net.connect({ host: server.address, port: server.port, family: server.family });
    let buf = Buffer.alloc(0);
    const done = (fn: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      fn();
    };
    const timer = setTimeout(() => done(() => reject(new DnsError(`no TCP answer from ${serverText(server)} within ${timeoutMs} ms`, 'timeout'))), timeoutMs);
    const onAbort = () => done(() => reject(aborted(server)));
    signal?.addEventListener('abort', onAbort);
    socket.on('error', (err) => done(() => reject(socketError(server, err, ' (TCP)'))));
    socket.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(packet.length);
      socket.write(Buffer.concat([len, packet]));
    });
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      // Several length-prefixed messages may arrive; take ours, skip others.
      while (buf.length >= 2) {
        const size = buf.readUInt16BE(0);
        if (buf.length < 2 + size) return;
        const p = decode(buf.subarray(2, 2 + size));
        buf = buf.subarray(2 + size);
        if (p && matches(p, id, name, type)) return done(() => resolve(p));
      }
    });
    socket.on('end', () => done(() => reject(new DnsError(`${serverText(server)} closed the TCP connection without an answer`, 'network'))));
  });
}

function toAnswer(p: dnsPacket.DecodedPacket, viaTcp: boolean): DnsAnswer {
  const rcode = (p as { rcode?: string }).rcode ?? 'NOERROR';
  const answers: DnsRecord[] = [];
  for (const a of p.answers ?? []) {
    if ((a.type === 'A' || a.type === 'AAAA' || a.type === 'CNAME') && typeof a.data === 'string') {
      answers.push({ name: a.name.toLowerCase().replace(/\.$/, ''), type: a.type, ttl: a.ttl ?? 0, data: a.data.toLowerCase().replace(/\.$/, '') });
    }
  }
  return { rcode, viaTcp, answers };
}

export interface Address {
  address: string;
  family: Family;
  /** Seconds the answer may be cached: the lowest TTL along the CNAME chain. */
  ttl: number;
}

/** A record type that failed (timeout, SERVFAIL, REFUSED, a CNAME loop) while the other may not have. */
export interface FamilyError {
  type: RecordType;
  error: DnsError;
}

export interface Resolved {
  name: string;
  /** The name, then each CNAME target in order. */
  chain: string[];
  addresses: Address[];
  /** Families that failed while the other gave addresses: the caller goes on and warns. */
  failures: FamilyError[];
}

const MAX_CNAMES = 8;

/** What a CNAME may point at: LDH labels (and _ as some zones use) of 1-63, 253 in all. */
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/**
 * A and AAAA for `name`, following CNAMEs (in the answer, or by asking again). The two
 * families are independent: a resolver that answers A and refuses AAAA still gives the
 * A addresses, with the AAAA failure in `failures`. Throws only when there is no address
 * at all and a reason for it (NXDOMAIN for both, or a family's error, A's first).
 */
export async function resolveName(name: string, options: DnsOptions): Promise<Resolved> {
  const [v4, v6] = await Promise.all([family(name, 'A', options), family(name, 'AAAA', options)]);
  const chain = v4.chain.length >= v6.chain.length ? v4.chain : v6.chain;
  const addresses = [...v4.addresses, ...v6.addresses];
  const failures = [v4, v6].flatMap((r) => (r.error ? [{ type: r.type, error: r.error }] : []));
  if (addresses.length > 0) return { name, chain, addresses, failures };
  if (v4.rcode === 'NXDOMAIN' && v6.rcode === 'NXDOMAIN') throw new DnsError(`${name}: no such name (NXDOMAIN)`, 'rcode', 'NXDOMAIN');
  const failed = failures[0];
  if (failed) throw failed.error;
  return { name, chain, addresses, failures };
}

/** One family's answer; a DnsError becomes part of the result, anything else is a bug. */
async function family(
  name: string,
  type: RecordType,
  options: DnsOptions,
): Promise<{ type: RecordType; rcode: string; chain: string[]; addresses: Address[]; error: DnsError | null }> {
  try {
    const r = await follow(name, type, options);
    const error =
      r.rcode === 'NOERROR' || r.rcode === 'NXDOMAIN' ? null : new DnsError(`${name}: the server answered ${r.rcode} for ${type}`, 'rcode', r.rcode);
    return { type, ...r, error };
  } catch (err) {
    if (!(err instanceof DnsError)) throw err;
    return { type, rcode: '', chain: [name.toLowerCase().replace(/\.$/, '')], addresses: [], error: err };
  }
}

async function follow(name: string, type: RecordType, options: DnsOptions) {
  const chain = [name.toLowerCase().replace(/\.$/, '')];
  let ttl = Number.POSITIVE_INFINITY;
  for (let hop = 0; hop <= MAX_CNAMES; hop++) {
    const current = chain[chain.length - 1] as string;
    const answer = await query(current, type, options);
    if (answer.rcode !== 'NOERROR') return { rcode: answer.rcode, chain, addresses: [] };
    // Walk the CNAMEs the answer itself carries, then take the records of the last name.
    let target = current;
    for (;;) {
      const cname = answer.answers.find((r) => r.type === 'CNAME' && r.name === target);
      if (!cname) break;
      // Remote text: a name with control characters or over-long labels is never followed,
      // asked for or quoted (it would break every comment and line it reached).
      if (!HOST_NAME.test(cname.data)) throw new DnsError(`${name}: the server answered a CNAME to a malformed name`, 'malformed');
      if (chain.includes(cname.data)) throw new DnsError(`${name}: CNAME loop at ${cname.data}`, 'loop');
      ttl = Math.min(ttl, cname.ttl);
      target = cname.data;
      chain.push(target);
      // The limit counts the whole chain, across answers and questions.
      if (chain.length > MAX_CNAMES + 1) throw new DnsError(`${name}: more than ${MAX_CNAMES} CNAMEs`, 'loop');
    }
    const records = answer.answers.filter((r) => r.type === type && r.name === target);
    if (records.length > 0 || target === current) {
      return {
        rcode: 'NOERROR',
        chain,
        addresses: records.map((r) => ({ address: r.data, family: (type === 'A' ? 4 : 6) as Family, ttl: Math.min(ttl, r.ttl) })),
      };
    }
    // The chain ended in a name the answer has no records for: ask for it.
  }
  throw new DnsError(`${name}: more than ${MAX_CNAMES} CNAMEs`, 'loop');
}

function aborted(server: DnsServer): DnsError {
  return new DnsError(`no answer from ${serverText(server)} in time`, 'timeout');
}

function socketError(server: DnsServer, err: NodeJS.ErrnoException, transport: string): DnsError {
  return new DnsError(`${serverText(server)}${transport}: ${err.code ?? err.message}`, isLocalErrorCode(err.code) ? 'local' : 'network', undefined, err.code);
}

/** One spelling per address: ::ffff:7f00:1, ::ffff:127.0.0.1 and 127.0.0.1 are one peer. */
function normalise(address: string): string {
  return ipaddr.isValid(address) ? ipaddr.process(address).toString() : address.toLowerCase();
}

export function serverText(s: DnsServer): string {
  return s.family === 6 ? `[${s.address}]:${s.port}` : `${s.address}:${s.port}`;
}
