// The stub resolver (src/net/dns.ts) and --resolve (src/net/resolve-hosts.ts) against a
// programmable DNS server written here with dns-packet: UDP and TCP on the same port,
// bound to loopback only. Every packet in these tests goes to 127.0.0.1 or ::1; the
// addresses inside answers are documentation ranges and are never contacted.
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDnsServer } from '../src/core/site.js';
import { DnsError, query, resolveName } from '../src/net/dns.js';
import { resolveHosts } from '../src/net/resolve-hosts.js';
import { A, AAAA, CNAME, frame, reply, startServer, type TestServer, zone } from './helpers/dns-server.js';

/** The DnsError a promise rejects with (fails the test if it resolves or rejects otherwise). */
async function dnsFailure(p: Promise<unknown>): Promise<DnsError> {
  const err = await p.then(
    (v) => {
      throw new Error(`expected a DnsError, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DnsError);
  return err as DnsError;
}

// ---------------------------------------------------------------------------------------

let dns: TestServer;
const opts = (timeoutMs = 1000) => ({ server: dns.server, timeoutMs });
const extras: TestServer[] = [];

beforeEach(async () => {
  dns = await startServer();
});

afterEach(async () => {
  await dns.close();
  await Promise.all(extras.splice(0).map((s) => s.close()));
});

describe('the test server', () => {
  it('listens with UDP and TCP on the same loopback port', async () => {
    expect(dns.server.address).toBe('127.0.0.1');
    expect(dns.server.port).toBeGreaterThan(0);
    dns.handle((q) => reply(q, [A(q.name, '192.0.2.1')], { flags: q.transport === 'udp' ? dnsPacket.TRUNCATED_RESPONSE : 0 }));
    const r = await query('same.port.test', 'A', opts());
    expect(r.viaTcp).toBe(true);
    expect(dns.asked.map((q) => q.transport)).toEqual(['udp', 'tcp']);
    expect(dns.asked.every((q) => q.from.address === '127.0.0.1')).toBe(true);
  });
});

describe('A and AAAA answers', () => {
  it('returns IPv4 and IPv6 addresses with their families and TTLs', async () => {
    dns.handle(zone([A('www.example.test', '192.0.2.10', 120), A('www.example.test', '192.0.2.11', 45), AAAA('www.example.test', '2001:db8::10', 600)]));
    const r = await resolveName('www.example.test', opts());
    expect(r.name).toBe('www.example.test');
    expect(r.chain).toEqual(['www.example.test']);
    expect(r.addresses).toEqual([
      { address: '192.0.2.10', family: 4, ttl: 120 },
      { address: '192.0.2.11', family: 4, ttl: 45 },
      { address: '2001:db8::10', family: 6, ttl: 600 },
    ]);
    // One question per type, over UDP, for the name asked.
    expect(dns.asked.map((q) => `${q.transport} ${q.type} ${q.name}`).sort()).toEqual(['udp A www.example.test', 'udp AAAA www.example.test']);
  });

  it('asks with recursion desired and a single IN question', async () => {
    dns.handle(zone([A('rd.example.test', '192.0.2.1')]));
    await query('rd.example.test', 'A', opts());
    const [q] = dns.asked;
    expect(q?.packet.type).toBe('query');
    expect(q?.packet.flag_rd).toBe(true);
    expect(q?.packet.questions).toEqual([{ name: 'rd.example.test', type: 'A', class: 'IN' }]);
  });

  it('returns only IPv4 when the name has no AAAA (empty NOERROR answer)', async () => {
    dns.handle(zone([A('v4only.example.test', '192.0.2.20', 60)]));
    const r = await resolveName('v4only.example.test', opts());
    expect(r.addresses).toEqual([{ address: '192.0.2.20', family: 4, ttl: 60 }]);
  });

  it('returns only IPv6 when the name has no A', async () => {
    dns.handle(zone([AAAA('v6only.example.test', '2001:db8::20', 90)]));
    const r = await resolveName('v6only.example.test', opts());
    expect(r.addresses).toEqual([{ address: '2001:db8::20', family: 6, ttl: 90 }]);
  });

  it('query() reports the records, rcode and that UDP was enough', async () => {
    dns.handle(zone([A('q.example.test', '192.0.2.30', 77)]));
    const r = await query('q.example.test', 'A', opts());
    expect(r).toEqual({ rcode: 'NOERROR', viaTcp: false, answers: [{ name: 'q.example.test', type: 'A', ttl: 77, data: '192.0.2.30' }] });
    expect(dns.asked.map((q) => q.transport)).toEqual(['udp']);
  });

  it('ignores records of other types and other names in the answer', async () => {
    dns.handle((q) =>
      reply(q, [
        A('other.example.test', '198.51.100.1'),
        { type: 'TXT', name: q.name, ttl: 60, class: 'IN', data: 'hello' },
        ...(q.type === 'A' ? [A(q.name, '192.0.2.40')] : [AAAA('other.example.test', '2001:db8::bad')]),
      ]),
    );
    const r = await resolveName('mixed.example.test', opts());
    expect(r.addresses).toEqual([{ address: '192.0.2.40', family: 4, ttl: 300 }]);
  });
});

describe('CNAMEs', () => {
  it('follows a chain carried in one answer, in order, with the lowest TTL along it', async () => {
    // Records deliberately out of order: the chain is walked by name, not by position.
    dns.handle((q) =>
      reply(q, [
        ...(q.type === 'A'
          ? [A('c2.example.test', '192.0.2.50', 3600), A('c2.example.test', '192.0.2.51', 30)]
          : [AAAA('c2.example.test', '2001:db8::50', 3600)]),
        CNAME('c1.example.test', 'c2.example.test', 60),
        CNAME('www.example.test', 'c1.example.test', 300),
      ]),
    );
    const r = await resolveName('www.example.test', opts());
    expect(r.chain).toEqual(['www.example.test', 'c1.example.test', 'c2.example.test']);
    expect(r.addresses).toEqual([
      { address: '192.0.2.50', family: 4, ttl: 60 },
      { address: '192.0.2.51', family: 4, ttl: 30 },
      { address: '2001:db8::50', family: 6, ttl: 60 },
    ]);
    // Everything was in the first answer: no second question.
    expect(dns.asked).toHaveLength(2);
  });

  it('lower-cases and strips the trailing dot of names in the chain', async () => {
    dns.handle((q) =>
      reply(q, [CNAME('www.example.test', 'Edge.CDN.Example.TEST.', 100), ...(q.type === 'A' ? [A('edge.cdn.example.test', '192.0.2.55', 200)] : [])]),
    );
    const r = await resolveName('WWW.Example.test.', opts());
    expect(r.chain).toEqual(['www.example.test', 'edge.cdn.example.test']);
    expect(r.addresses).toEqual([{ address: '192.0.2.55', family: 4, ttl: 100 }]);
  });

  it('asks again for a CNAME target whose records are not in the answer', async () => {
    dns.handle(zone([CNAME('www.example.test', 'edge.cdn.test', 40), A('edge.cdn.test', '192.0.2.60', 500), AAAA('edge.cdn.test', '2001:db8::60', 20)]));
    const r = await resolveName('www.example.test', opts());
    expect(r.chain).toEqual(['www.example.test', 'edge.cdn.test']);
    expect(r.addresses).toEqual([
      { address: '192.0.2.60', family: 4, ttl: 40 },
      { address: '2001:db8::60', family: 6, ttl: 20 },
    ]);
    expect(dns.asked.filter((q) => q.type === 'A').map((q) => q.name)).toEqual(['www.example.test', 'edge.cdn.test']);
    expect(dns.asked.filter((q) => q.type === 'AAAA').map((q) => q.name)).toEqual(['www.example.test', 'edge.cdn.test']);
  });

  it('keeps following across several answers', async () => {
    dns.handle(
      zone([
        CNAME('a.example.test', 'b.example.test', 900),
        CNAME('b.example.test', 'c.example.test', 15),
        CNAME('c.example.test', 'd.example.test', 900),
        A('d.example.test', '192.0.2.65', 900),
      ]),
    );
    const r = await resolveName('a.example.test', opts());
    expect(r.chain).toEqual(['a.example.test', 'b.example.test', 'c.example.test', 'd.example.test']);
    expect(r.addresses).toEqual([{ address: '192.0.2.65', family: 4, ttl: 15 }]);
  });

  it('reports a CNAME loop inside one answer', async () => {
    dns.handle((q) => reply(q, [CNAME('loop.example.test', 'x.example.test'), CNAME('x.example.test', 'loop.example.test')]));
    const err = await dnsFailure(resolveName('loop.example.test', opts()));
    expect(err.code).toBe('loop');
    expect(err.message).toMatch(/CNAME loop at loop\.example\.test/);
  });

  it('reports a CNAME loop spread over several answers', async () => {
    dns.handle(zone([CNAME('p.example.test', 'q.example.test'), CNAME('q.example.test', 'r.example.test'), CNAME('r.example.test', 'p.example.test')]));
    const err = await dnsFailure(resolveName('p.example.test', opts()));
    expect(err.code).toBe('loop');
    expect(err.message).toMatch(/CNAME loop at p\.example\.test/);
    // Found on the way round, not by running into the length limit.
    expect(dns.asked.filter((q) => q.type === 'A').map((q) => q.name)).toEqual(['p.example.test', 'q.example.test', 'r.example.test']);
  });

  it('reports a CNAME to itself', async () => {
    dns.handle((q) => reply(q, [CNAME(q.name, q.name)]));
    const err = await dnsFailure(resolveName('self.example.test', opts()));
    expect(err.code).toBe('loop');
    expect(err.message).toMatch(/CNAME loop at self\.example\.test/);
    expect(dns.asked).toHaveLength(2);
  });

  /** n0 -> n1 -> ... -> n<count>, with A and AAAA at the end. */
  const longChain = (count: number): dnsPacket.Answer[] => [
    ...Array.from({ length: count }, (_, i) => CNAME(`n${i}.chain.test`, `n${i + 1}.chain.test`, 100)),
    A(`n${count}.chain.test`, '192.0.2.70'),
    AAAA(`n${count}.chain.test`, '2001:db8::70'),
  ];

  it('follows exactly 8 CNAMEs, one per answer', async () => {
    dns.handle(zone(longChain(8)));
    const r = await resolveName('n0.chain.test', opts());
    expect(r.chain).toHaveLength(9);
    expect(r.addresses.map((a) => a.address)).toEqual(['192.0.2.70', '2001:db8::70']);
  });

  it('follows exactly 8 CNAMEs carried in one answer', async () => {
    const records = longChain(8);
    dns.handle((q) =>
      reply(
        q,
        records.filter((r) => r.type === 'CNAME' || r.type === q.type),
      ),
    );
    const r = await resolveName('n0.chain.test', opts());
    expect(r.chain).toHaveLength(9);
    expect(r.addresses.map((a) => a.address)).toEqual(['192.0.2.70', '2001:db8::70']);
  });

  it('fails on more than 8 CNAMEs, one per answer', async () => {
    dns.handle(zone(longChain(9)));
    const err = await dnsFailure(resolveName('n0.chain.test', opts()));
    expect(err.code).toBe('loop');
    expect(err.message).toMatch(/more than 8 CNAMEs/);
  });

  // The limit counts the whole chain: a 9-CNAME chain must fail even when a resolver
  // answers each name with the rest of the chain (it once slipped through, per answer).
  it('fails on more than 8 CNAMEs carried in one answer', async () => {
    const records = longChain(9);
    // The server answers any name of the chain with the rest of the chain, as a recursive resolver would.
    dns.handle((q) => {
      const start = Number(/^n(\d+)\./.exec(q.name)?.[1] ?? 0);
      return reply(
        q,
        records.filter((r) => (r.type === 'CNAME' || r.type === q.type) && Number(/^n(\d+)\./.exec(r.name)?.[1]) >= start),
      );
    });
    const err = await dnsFailure(resolveName('n0.chain.test', opts()));
    expect(err.code).toBe('loop');
    expect(err.message).toMatch(/more than 8 CNAMEs/);
  });
});

describe('truncation and TCP', () => {
  it('retries over TCP when the UDP answer is truncated, and returns the TCP answer', async () => {
    dns.handle((q) =>
      q.transport === 'udp'
        ? reply(q, [], { flags: dnsPacket.TRUNCATED_RESPONSE | dnsPacket.RECURSION_AVAILABLE })
        : reply(q, [A(q.name, '192.0.2.80', 33), A(q.name, '192.0.2.81', 33)]),
    );
    const r = await query('big.example.test', 'A', opts());
    expect(r.viaTcp).toBe(true);
    expect(r.rcode).toBe('NOERROR');
    expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.80', '192.0.2.81']);
    expect(dns.asked.map((q) => `${q.transport} ${q.type} ${q.name}`)).toEqual(['udp A big.example.test', 'tcp A big.example.test']);
  });

  it('resolveName uses the TCP answer for a truncated name', async () => {
    dns.handle((q) =>
      q.transport === 'udp'
        ? reply(q, [A(q.name, '198.51.100.99')], { flags: dnsPacket.TRUNCATED_RESPONSE }) // partial: must not be used
        : q.type === 'A'
          ? reply(q, [A(q.name, '192.0.2.82', 50)])
          : reply(q, [AAAA(q.name, '2001:db8::82', 50)]),
    );
    const r = await resolveName('big.example.test', opts());
    expect(r.addresses).toEqual([
      { address: '192.0.2.82', family: 4, ttl: 50 },
      { address: '2001:db8::82', family: 6, ttl: 50 },
    ]);
  });

  it('over TCP, skips other messages in the stream and reassembles split messages', async () => {
    dns.handle((q) => {
      if (q.transport === 'udp') return reply(q, [], { flags: dnsPacket.TRUNCATED_RESPONSE });
      const wrong = frame(dnsPacket.encode(reply(q, [A(q.name, '198.51.100.1')], { id: (q.id + 1) & 0xffff })));
      const garbage = frame(Buffer.from('not a dns message at all'));
      const right = frame(dnsPacket.encode(reply(q, [A(q.name, '192.0.2.83')])));
      // Two bogus messages and the first byte of ours in one write, the rest in two pieces.
      return [
        { raw: Buffer.concat([wrong, garbage, right.subarray(0, 1)]) },
        { delayMs: 30 },
        { raw: right.subarray(1, 7) },
        { delayMs: 30 },
        { raw: right.subarray(7) },
      ];
    });
    const r = await query('stream.example.test', 'A', opts());
    expect(r.viaTcp).toBe(true);
    expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.83']);
  });

  it('fails with code network when the server closes the TCP connection without an answer', async () => {
    dns.handle((q) => (q.transport === 'udp' ? reply(q, [], { flags: dnsPacket.TRUNCATED_RESPONSE }) : 'close'));
    const err = await dnsFailure(query('closed.example.test', 'A', opts()));
    expect(err.code).toBe('network');
  });

  it('fails with code network when nothing listens on TCP', async () => {
    await dns.closeTcp();
    dns.handle((q) => reply(q, [], { flags: dnsPacket.TRUNCATED_RESPONSE }));
    const err = await dnsFailure(query('notcp.example.test', 'A', opts()));
    expect(err.code).toBe('network');
    expect(err.message).toContain(`127.0.0.1:${dns.server.port}`);
  });

  it('fails with code timeout when the TCP server never answers', async () => {
    dns.handle((q) => (q.transport === 'udp' ? reply(q, [], { flags: dnsPacket.TRUNCATED_RESPONSE }) : null));
    const err = await dnsFailure(query('slowtcp.example.test', 'A', opts(300)));
    expect(err.code).toBe('timeout');
    expect(err.message).toMatch(/TCP/);
  });
});

describe('answers that are not ours', () => {
  it('ignores a wrong id, another question, another type, garbage and a query, and takes the real answer', async () => {
    dns.handle((q) => {
      if (q.type !== 'A') return reply(q);
      return [
        reply(q, [A(q.name, '198.51.100.1')], { id: (q.id + 1) & 0xffff }),
        reply(q, [A('evil.example.test', '198.51.100.2')], { name: 'evil.example.test' }),
        reply(q, [A(q.name, '198.51.100.3')], { qtype: 'AAAA' }),
        Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02]),
        reply(q, [A(q.name, '198.51.100.5')], { type: 'query' }),
        { delayMs: 20 },
        reply(q, [A(q.name, '192.0.2.90', 70)]),
      ];
    });
    const r = await resolveName('target.example.test', opts());
    expect(r.addresses).toEqual([{ address: '192.0.2.90', family: 4, ttl: 70 }]);
    expect(r.chain).toEqual(['target.example.test']);
  });

  it('query() returns the real answer after forged ones', async () => {
    dns.handle((q) => [reply(q, [A(q.name, '198.51.100.1')], { id: (q.id + 1) & 0xffff }), Buffer.alloc(0), reply(q, [A(q.name, '192.0.2.91')])]);
    const r = await query('target.example.test', 'A', opts());
    expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.91']);
  });

  it('ignores a matching answer sent from another port', async () => {
    const spoofer = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => spoofer.bind(0, '127.0.0.1', () => resolve()));
    try {
      dns.handle(async (q) => {
        const forged = dnsPacket.encode(reply(q, [A(q.name, '198.51.100.7')]));
        await new Promise<void>((resolve) => spoofer.send(forged, q.from.port, q.from.address, () => resolve()));
        return [{ delayMs: 50 }, reply(q, [A(q.name, '192.0.2.92')])];
      });
      const r = await query('spoofed.example.test', 'A', opts());
      expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.92']);
    } finally {
      spoofer.close();
    }
  });

  it('reads a UDP answer larger than 4096 bytes that arrives whole without TC', async () => {
    dns.handle((q) => {
      const many = Array.from({ length: 300 }, (_, i) => A(q.name, `198.51.100.${i % 250}`));
      const big = dnsPacket.encode(reply(q, many));
      expect(big.length).toBeGreaterThan(4096);
      return [big];
    });
    const r = await query('huge.example.test', 'A', opts());
    expect(r.viaTcp).toBe(false);
    expect(r.answers).toHaveLength(300);
  });

  it('times out when only bogus packets arrive', async () => {
    dns.handle((q) => [
      reply(q, [A(q.name, '198.51.100.1')], { id: (q.id + 1) & 0xffff }),
      reply(q, [A('evil.example.test', '198.51.100.2')], { name: 'evil.example.test' }),
      reply(q, [A(q.name, '198.51.100.3')], { qtype: q.type === 'A' ? 'AAAA' : 'A' }),
      Buffer.from('garbage'),
      reply(q, [A(q.name, '198.51.100.5')], { type: 'query' }),
    ]);
    const started = Date.now();
    const err = await dnsFailure(resolveName('bogus.example.test', opts(300)));
    expect(err.code).toBe('timeout');
    expect(err.message).toContain(`127.0.0.1:${dns.server.port}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('times out when the server says nothing', async () => {
    const err = await dnsFailure(query('silent.example.test', 'AAAA', opts(300)));
    expect(err.code).toBe('timeout');
  });
});

describe('error answers', () => {
  it('reports NXDOMAIN for both types as code rcode', async () => {
    dns.handle((q) => reply(q, [], { rcode: 'NXDOMAIN' }));
    const err = await dnsFailure(resolveName('nope.example.test', opts()));
    expect(err.code).toBe('rcode');
    expect(err.message).toContain('NXDOMAIN');
    expect(err.message).toContain('nope.example.test');
  });

  it('query() returns NXDOMAIN as an rcode rather than throwing', async () => {
    dns.handle((q) => reply(q, [], { rcode: 'NXDOMAIN' }));
    const r = await query('nope.example.test', 'A', opts());
    expect(r.rcode).toBe('NXDOMAIN');
    expect(r.answers).toEqual([]);
  });

  it.each(['SERVFAIL', 'REFUSED'] as const)('reports %s as code rcode', async (rcode) => {
    dns.handle((q) => reply(q, [], { rcode }));
    const err = await dnsFailure(resolveName('broken.example.test', opts()));
    expect(err.code).toBe('rcode');
    expect(err.message).toContain(rcode);
  });

  it('keeps the A addresses when AAAA is REFUSED, and names the failed family', async () => {
    // dnsmasq with --address=/#/127.0.0.1 and no upstream answers A and refuses AAAA.
    dns.handle((q) => (q.type === 'A' ? reply(q, [A(q.name, '192.0.2.1')]) : reply(q, [], { rcode: 'REFUSED' })));
    const r = await resolveName('half.example.test', opts());
    expect(r.addresses).toEqual([{ address: '192.0.2.1', family: 4, ttl: 300 }]);
    expect(r.failures.map((f) => [f.type, f.error.code, f.error.rcode])).toEqual([['AAAA', 'rcode', 'REFUSED']]);
  });

  it('keeps the AAAA addresses when A fails with SERVFAIL', async () => {
    dns.handle((q) => (q.type === 'AAAA' ? reply(q, [AAAA(q.name, '2001:db8::1')]) : reply(q, [], { rcode: 'SERVFAIL' })));
    const r = await resolveName('half6.example.test', opts());
    expect(r.addresses.map((a) => a.address)).toEqual(['2001:db8::1']);
    expect(r.failures.map((f) => [f.type, f.error.rcode])).toEqual([['A', 'SERVFAIL']]);
  });

  it("keeps the A addresses when AAAA is never answered (the timeout is that family's failure)", async () => {
    dns.handle((q) => (q.type === 'A' ? reply(q, [A(q.name, '192.0.2.2')]) : null));
    const r = await resolveName('silent6.example.test', opts(300));
    expect(r.addresses.map((a) => a.address)).toEqual(['192.0.2.2']);
    expect(r.failures.map((f) => [f.type, f.error.code])).toEqual([['AAAA', 'timeout']]);
  });

  it('throws the A error when neither family gives an address', async () => {
    dns.handle((q) => reply(q, [], { rcode: q.type === 'A' ? 'SERVFAIL' : 'REFUSED' }));
    const err = await dnsFailure(resolveName('down.example.test', opts()));
    expect([err.code, err.rcode]).toEqual(['rcode', 'SERVFAIL']);
  });

  it('reports code network when nothing listens on the UDP port', async () => {
    // A loopback port that was just free: the kernel answers with port unreachable.
    const probe = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', () => resolve()));
    const port = probe.address().port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const err = await dnsFailure(query('refused.example.test', 'A', { server: { address: '127.0.0.1', family: 4, port }, timeoutMs: 1000 }));
    expect(err.code).toBe('network');
  });
});

describe('query ids and names', () => {
  it('uses random query ids', async () => {
    dns.handle((q) => reply(q, [A(q.name, '192.0.2.1')]));
    for (let i = 0; i < 20; i++) await query(`id${i}.example.test`, 'A', opts());
    const ids = dns.asked.map((q) => q.id);
    expect(ids).toHaveLength(20);
    expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id <= 0xffff)).toBe(true);
    expect(new Set(ids).size).toBeGreaterThan(1);
  });

  it('accepts a question echoed in another case', async () => {
    dns.handle((q) =>
      reply(q, [(q.type === 'A' ? A : AAAA)(q.name.toUpperCase(), q.type === 'A' ? '192.0.2.95' : '2001:db8::95')], { name: q.name.toUpperCase() }),
    );
    const r = await resolveName('MiXeD.example.test', opts());
    expect(dns.asked.map((q) => q.name)).toEqual(['mixed.example.test', 'mixed.example.test']);
    expect(r.addresses.map((a) => a.address)).toEqual(['192.0.2.95', '2001:db8::95']);
  });

  it('sends a name given with a trailing dot without it', async () => {
    dns.handle((q) => reply(q, [A(q.name, '192.0.2.96')]));
    const r = await query('dot.example.test.', 'A', opts());
    expect(dns.asked.map((q) => q.name)).toEqual(['dot.example.test']);
    expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.96']);
  });
});

describe('resolveHosts', () => {
  const now = () => new Date('2024-05-06T07:08:09.123Z');

  it('resolves several hosts at once and reports a failing one without throwing', async () => {
    dns.handle(
      zone([
        A('one.example.test', '10.0.2.101', 100),
        AAAA('one.example.test', 'fd00::101', 100),
        CNAME('two.example.test', 'one.example.test', 50),
        A('three.example.test', '10.0.2.103', 300),
      ]),
    );
    const hosts = ['one.example.test', 'missing.example.test', 'two.example.test', 'three.example.test'];
    const r = await resolveHosts(hosts, dns.server, 1000, now);
    expect(r.server).toBe(`127.0.0.1:${dns.server.port}`);
    expect(r.at).toBe(now().toISOString());
    expect(r.at).toBe('2024-05-06T07:08:09.123Z');
    expect([...r.hosts.keys()]).toEqual(hosts);
    expect(r.hosts.get('one.example.test')).toMatchObject({
      addresses: [
        { address: '10.0.2.101', family: 4, ttl: 100 },
        { address: 'fd00::101', family: 6, ttl: 100 },
      ],
      error: null,
      failed: [],
    });
    expect(r.hosts.get('two.example.test')).toMatchObject({
      addresses: [
        { address: '10.0.2.101', family: 4, ttl: 50 },
        { address: 'fd00::101', family: 6, ttl: 50 },
      ],
      error: null,
      failed: [],
    });
    expect(r.hosts.get('three.example.test')).toMatchObject({ addresses: [{ address: '10.0.2.103', family: 4, ttl: 300 }], error: null, failed: [] });
    const missing = r.hosts.get('missing.example.test');
    expect(missing?.addresses).toEqual([]);
    expect(missing?.error).toMatch(/NXDOMAIN/);
  });

  it('asks for all hosts at once, not one after another', async () => {
    // Each answer is held back 250 ms; four hosts in sequence would take over a second.
    dns.handle((q) => [{ delayMs: 250 }, reply(q, [A(q.name, '10.0.2.110')])]);
    const hosts = ['h1.example.test', 'h2.example.test', 'h3.example.test', 'h4.example.test'];
    const started = Date.now();
    const r = await resolveHosts(hosts, dns.server, 1000, now);
    expect(Date.now() - started).toBeLessThan(900);
    for (const h of hosts) expect(r.hosts.get(h)).toMatchObject({ addresses: [{ address: '10.0.2.110', family: 4, ttl: 300 }], error: null, failed: [] });
  });

  it('fills the IPv4 addresses of a host whose AAAA is REFUSED, and says which family failed', async () => {
    dns.handle((q) => (q.type === 'A' ? reply(q, [A(q.name, '10.0.2.111')]) : reply(q, [], { rcode: 'REFUSED' })));
    const r = await resolveHosts(['half.example.test'], dns.server, 1000, now);
    expect(r.hosts.get('half.example.test')).toMatchObject({
      addresses: [{ address: '10.0.2.111', family: 4, ttl: 300 }],
      error: null,
      failed: ['AAAA: REFUSED'],
    });
  });

  it('never puts a sinkhole answer into a set; keeps private and loopback ones, listed as special', async () => {
    dns.handle(
      zone([
        A('sink.example.test', '0.0.0.0'),
        AAAA('sink.example.test', '::'),
        A('mixed.example.test', '224.0.0.1'),
        A('mixed.example.test', '10.9.9.9'),
        AAAA('mixed.example.test', 'ff02::1'),
        A('lan.example.test', '127.0.0.1'),
      ]),
    );
    const r = await resolveHosts(['sink.example.test', 'mixed.example.test', 'lan.example.test'], dns.server, 1000, now);
    expect(r.hosts.get('sink.example.test')).toMatchObject({
      addresses: [],
      error: 'answered only 0.0.0.0 (unspecified), :: (unspecified): a DNS filter or sinkhole',
    });
    expect(r.hosts.get('mixed.example.test')).toMatchObject({
      addresses: [{ address: '10.9.9.9', family: 4, ttl: 300 }],
      error: null,
      special: [{ address: '10.9.9.9', range: 'private' }],
      sinkhole: [
        { address: '224.0.0.1', range: 'multicast' },
        { address: 'ff02::1', range: 'multicast' },
      ],
    });
    expect(r.hosts.get('lan.example.test')).toMatchObject({ addresses: [{ address: '127.0.0.1' }], special: [{ address: '127.0.0.1', range: 'loopback' }] });
  });

  it("a CNAME to a malformed name (a control character in a label) is that host's one-line error", async () => {
    dns.handle((q) => (q.name.startsWith('bad') ? reply(q, [CNAME(q.name, 'evil\nname\u0007.example.test')]) : reply(q, [A(q.name, '10.0.2.150')])));
    const r = await resolveHosts(['bad.example.test', 'good.example.test'], dns.server, 1000, now);
    expect(r.hosts.get('bad.example.test')).toMatchObject({ addresses: [], error: 'bad.example.test: the server answered a CNAME to a malformed name' });
    expect(r.hosts.get('good.example.test')?.addresses.map((a) => a.address)).toEqual(['10.0.2.150']);
    // Never asked for the malformed name.
    expect(dns.asked.some((q) => q.name.includes('evil'))).toBe(false);
  });

  it('reports a timeout as the host error', async () => {
    dns.handle((q) => (q.name === 'slow.example.test' ? null : reply(q, [A(q.name, '10.0.2.120')])));
    const r = await resolveHosts(['slow.example.test', 'fast.example.test'], dns.server, 300, now);
    expect(r.hosts.get('slow.example.test')?.addresses).toEqual([]);
    expect(r.hosts.get('slow.example.test')?.error).toMatch(/no answer from 127\.0\.0\.1:\d+ within 300 ms/);
    expect(r.hosts.get('fast.example.test')?.error).toBeNull();
  });

  it('returns an empty map for no hosts', async () => {
    const r = await resolveHosts([], dns.server, 300, now);
    expect(r.hosts.size).toBe(0);
    expect(r.at).toBe(now().toISOString());
    expect(dns.asked).toEqual([]);
  });
});

describe('a resolver given as an IPv4-mapped IPv6 address', () => {
  it('[::ffff:127.0.0.1]:port works: answers are matched on the normalised address', async () => {
    dns.handle(zone([A('mapped.example.test', '192.0.2.140')]));
    const server = parseDnsServer(`[::ffff:127.0.0.1]:${dns.server.port}`);
    expect(server.family).toBe(6);
    const r = await resolveName('mapped.example.test', { server, timeoutMs: 1000 });
    expect(r.addresses.map((a) => a.address)).toEqual(['192.0.2.140']);
  });
});

describe('IPv6 server', () => {
  it('resolves through a server on ::1 (UDP and TCP)', async (ctx) => {
    let v6: TestServer;
    try {
      v6 = await startServer('::1');
    } catch (err) {
      console.log(`skipping the IPv6 server test: cannot bind ::1 here (${(err as Error).message})`);
      ctx.skip();
      return;
    }
    extras.push(v6);
    expect(v6.server).toEqual({ address: '::1', family: 6, port: expect.any(Number) });
    v6.handle((q) =>
      q.name === 'quiet.example.test'
        ? null
        : q.name === 'big.example.test' && q.transport === 'udp'
          ? reply(q, [], { flags: dnsPacket.TRUNCATED_RESPONSE })
          : zone([A('v6.example.test', '192.0.2.130', 10), AAAA('v6.example.test', '2001:db8::130', 20), A('big.example.test', '192.0.2.131')])(q),
    );
    const r = await resolveName('v6.example.test', { server: v6.server, timeoutMs: 1000 });
    expect(r.addresses).toEqual([
      { address: '192.0.2.130', family: 4, ttl: 10 },
      { address: '2001:db8::130', family: 6, ttl: 20 },
    ]);
    expect(v6.asked.every((q) => q.from.address === '::1')).toBe(true);

    const tcp = await query('big.example.test', 'A', { server: v6.server, timeoutMs: 1000 });
    expect(tcp.viaTcp).toBe(true);
    expect(tcp.answers.map((a) => a.data)).toEqual(['192.0.2.131']);

    const hosts = await resolveHosts(['v6.example.test', 'gone.example.test'], v6.server, 1000, () => new Date(0));
    expect(hosts.server).toBe(`[::1]:${v6.server.port}`);
    expect(hosts.hosts.get('gone.example.test')?.error).toMatch(/NXDOMAIN/);

    const err = await dnsFailure(query('quiet.example.test', 'A', { server: v6.server, timeoutMs: 200 }));
    expect(err.code).toBe('timeout');
    expect(err.message).toContain(`[::1]:${v6.server.port}`);
  });
});
