// A programmable DNS server for tests, written with dns-packet: UDP and TCP on the same
// port, bound to loopback only. It can answer wrongly on purpose (forged ids, wrong
// questions, garbage, truncation) to show the resolver ignores what is not its answer.
import dgram from 'node:dgram';
import net, { type AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { DnsServer } from '../../src/core/site.js';

// ---------------------------------------------------------------------------------------
// The test server

export type Transport = 'udp' | 'tcp';

/** A question the server received. */
export interface Asked {
  transport: Transport;
  id: number;
  name: string;
  type: string;
  packet: dnsPacket.DecodedPacket;
  /** Where the question came from (the resolver's socket). */
  from: { address: string; port: number };
}

/**
 * What the server sends back, in order: a packet object (encoded; length-prefixed on TCP),
 * a Buffer (one whole message as-is; length-prefixed on TCP), `{ raw }` (bytes exactly as
 * given, even on TCP), `{ delayMs }` (a pause) or 'close' (TCP: end the connection).
 */
export type Reply = dnsPacket.Packet | Buffer | { raw: Buffer } | { delayMs: number } | 'close';
export type Handler = (q: Asked) => Reply | Reply[] | null | undefined | Promise<Reply | Reply[] | null | undefined>;

export interface TestServer {
  /** What the resolver is given. */
  server: DnsServer;
  asked: Asked[];
  /** Sets how the server answers; it answers nothing until told. */
  handle(handler: Handler): void;
  /** Stops the TCP listener only (UDP keeps answering). */
  closeTcp(): Promise<void>;
  close(): Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function frame(message: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(message.length);
  return Buffer.concat([len, message]);
}

/** Starts TCP on a random loopback port, then UDP on the same port number (retrying if taken). */
export async function startServer(host: '127.0.0.1' | '::1' = '127.0.0.1'): Promise<TestServer> {
  const family = host === '::1' ? 6 : 4;
  for (let attempt = 0; attempt < 20; attempt++) {
    const tcp = net.createServer();
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(0, host, () => resolve());
    });
    const port = (tcp.address() as AddressInfo).port;
    const udp = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(port, host, () => resolve());
      });
    } catch (err) {
      udp.close();
      await new Promise((resolve) => tcp.close(resolve));
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
      throw err;
    }
    return serve(tcp, udp, { address: host, family, port });
  }
  throw new Error('no free loopback port for the test DNS server');
}

function serve(tcp: net.Server, udp: dgram.Socket, server: DnsServer): TestServer {
  let handler: Handler = () => null;
  let closed = false;
  let tcpOpen = true;
  const asked: Asked[] = [];
  const connections = new Set<net.Socket>();

  const replies = async (q: Asked): Promise<Reply[]> => {
    asked.push(q);
    const r = await handler(q);
    return r == null ? [] : Array.isArray(r) ? r : [r];
  };
  const bytes = (r: dnsPacket.Packet | Buffer): Buffer => (Buffer.isBuffer(r) ? r : dnsPacket.encode(r));
  const asAsked = (transport: Transport, msg: Buffer, from: { address: string; port: number }): Asked | null => {
    let packet: dnsPacket.DecodedPacket;
    try {
      packet = dnsPacket.decode(msg);
    } catch {
      return null;
    }
    const q = packet.questions?.[0];
    return { transport, id: packet.id ?? -1, name: q?.name ?? '', type: q?.type ?? '', packet, from };
  };

  udp.on('message', (msg, rinfo) => {
    void (async () => {
      const q = asAsked('udp', msg, rinfo);
      if (!q) return;
      for (const r of await replies(q)) {
        if (closed) return;
        if (r === 'close') continue;
        if ('delayMs' in r && typeof r.delayMs === 'number') {
          await sleep(r.delayMs);
          continue;
        }
        const buf = 'raw' in r && Buffer.isBuffer(r.raw) ? r.raw : bytes(r as dnsPacket.Packet | Buffer);
        await new Promise<void>((resolve) => udp.send(buf, rinfo.port, rinfo.address, () => resolve()));
      }
    })();
  });

  tcp.on('connection', (socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        const q = asAsked('tcp', msg, { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 });
        if (!q) continue;
        void (async () => {
          for (const r of await replies(q)) {
            if (closed || socket.destroyed) return;
            if (r === 'close') {
              socket.end();
              return;
            }
            if ('delayMs' in r && typeof r.delayMs === 'number') {
              await sleep(r.delayMs);
              continue;
            }
            socket.write('raw' in r && Buffer.isBuffer(r.raw) ? r.raw : frame(bytes(r as dnsPacket.Packet | Buffer)));
          }
        })();
      }
    });
  });

  const closeTcp = async () => {
    if (!tcpOpen) return;
    tcpOpen = false;
    for (const c of connections) c.destroy();
    await new Promise((resolve) => tcp.close(resolve));
  };
  return {
    server,
    asked,
    handle: (h) => {
      handler = h;
    },
    closeTcp,
    close: async () => {
      if (closed) return;
      closed = true;
      await closeTcp();
      await new Promise<void>((resolve) => udp.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------------------------------
// Building answers

export const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

export const A = (name: string, data: string, ttl = 300): dnsPacket.Answer => ({ type: 'A', name, ttl, class: 'IN', data });
export const AAAA = (name: string, data: string, ttl = 300): dnsPacket.Answer => ({ type: 'AAAA', name, ttl, class: 'IN', data });
export const CNAME = (name: string, data: string, ttl = 300): dnsPacket.Answer => ({ type: 'CNAME', name, ttl, class: 'IN', data });

export interface Tweak {
  rcode?: keyof typeof RCODE;
  flags?: number;
  /** Overrides of what a forger might get wrong. */
  id?: number;
  name?: string;
  qtype?: dnsPacket.RecordType;
  type?: 'query' | 'response';
}

/** A response to `q` (its id and its question echoed), carrying `answers`. */
export function reply(q: Asked, answers: dnsPacket.Answer[] = [], t: Tweak = {}): dnsPacket.Packet {
  return {
    type: t.type ?? 'response',
    id: t.id ?? q.id,
    flags: (t.flags ?? dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE) | RCODE[t.rcode ?? 'NOERROR'],
    questions: [{ name: t.name ?? q.name, type: t.qtype ?? (q.type as dnsPacket.RecordType), class: 'IN' }],
    answers,
  };
}

/** Answers from a record list, like an authoritative server: the records whose name and type match. */
export function zone(records: dnsPacket.Answer[]): Handler {
  return (q) => {
    const own = records.filter((r) => r.name === q.name);
    if (own.length === 0) return reply(q, [], { rcode: 'NXDOMAIN' });
    return reply(
      q,
      own.filter((r) => r.type === q.type || r.type === 'CNAME'),
    );
  };
}

/**
 * Two loopback servers that answer alike, for tests of which one a command asks: started
 * before the calling suite, their questions forgotten before each test, closed after.
 */
export function serverPair(handler: Handler): { readonly dns: TestServer; readonly other: TestServer } {
  const pair: { dns?: TestServer; other?: TestServer } = {};
  beforeAll(async () => {
    pair.dns = await startServer('127.0.0.1');
    pair.other = await startServer('127.0.0.1');
    pair.dns.handle(handler);
    pair.other.handle(handler);
  });
  afterAll(async () => {
    await pair.dns?.close();
    await pair.other?.close();
  });
  beforeEach(() => {
    if (pair.dns) pair.dns.asked.length = 0;
    if (pair.other) pair.other.asked.length = 0;
  });
  return {
    get dns() {
      if (!pair.dns) throw new Error('serverPair: used before its beforeAll ran');
      return pair.dns;
    },
    get other() {
      if (!pair.other) throw new Error('serverPair: used before its beforeAll ran');
      return pair.other;
    },
  };
}
