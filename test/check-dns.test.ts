// The check's DNS phase end to end, in-process: checkFlows against the dns-packet test
// server on 127.0.0.1, with flows made here to a loopback listener. Forged and garbage
// answers arrive first and must be ignored; only the real answer counts.
import net, { type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CheckResult } from '../src/core/check/result.js';
import { summarise } from '../src/core/check/summary.js';
import type { Flow } from '../src/core/planner.js';
import { checkFlows } from '../src/net/check/checker.js';
import { PER_FAMILY } from '../src/net/check/connect.js';
import { once, siteResolver } from '../src/net/check/lookup.js';
import { MAX_OPEN_SOCKETS } from '../src/net/slots.js';
import { A, AAAA, CNAME, reply, startServer, type TestServer, zone } from './helpers/dns-server.js';

let listener: net.Server;
let port: number;
let dns: TestServer;

beforeAll(async () => {
  listener = net.createServer((s) => s.end());
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', () => resolve()));
  port = (listener.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));
beforeEach(async () => {
  dns = await startServer();
});
afterEach(() => dns.close());

/** A flow to `host` on the loopback listener's port (not a TLS port: TCP only). */
function flow(host: string, p = port): Flow {
  return {
    host,
    protocol: 'tcp',
    port: p,
    portStated: true,
    agents: ['cca'],
    options: [],
    wildcard: null,
    service: null,
    clientCertificate: false,
    alpn: null,
    notes: [],
    provenance: [],
    site: null,
  };
}

function check(flows: Flow[], timeoutMs = 800) {
  return checkFlows(flows, { resolver: once(siteResolver(dns.server, timeoutMs)), proxy: null, pac: null, timeoutMs, concurrency: flows.length });
}

describe('forged and malformed DNS answers are ignored', () => {
  it('a wrong id, a wrong question, garbage and a query packet come first; the real answer wins', async () => {
    dns.handle((q) => {
      const real = q.type === 'A' ? [A(q.name, '127.0.0.1', 60)] : [];
      const forged = q.type === 'A' ? [A(q.name, '127.66.66.66', 60)] : [AAAA(q.name, '::1')];
      return [
        reply(q, forged, { id: (q.id + 1) % 0x10000 }),
        reply(q, forged, { name: 'evil.test' }),
        reply(q, forged, { qtype: q.type === 'A' ? 'AAAA' : 'A' }),
        reply(q, forged, { type: 'query' }),
        Buffer.from('not a dns message at all'),
        { delayMs: 30 },
        reply(q, real),
      ];
    });
    const [r] = await check([flow('device.example.test')]);
    expect(r).toMatchObject({ status: 'ok', addresses: ['127.0.0.1'], dns: { chain: ['device.example.test'], ttl: 60 } });
    expect(r?.attempts.map((a) => a.address)).toEqual(['127.0.0.1']);
  });

  it('only forged answers: the lookup times out as a dns-error, and nothing forged is used', async () => {
    dns.handle((q) => [reply(q, [A(q.name, '127.0.0.1')], { id: (q.id + 7) % 0x10000 }), Buffer.from([0xde, 0xad])]);
    const started = Date.now();
    const [r] = await check([flow('device.example.test')], 500);
    expect(r).toMatchObject({ status: 'dns-error', dnsProblem: 'no-answer', addresses: [], attempts: [] });
    expect(r?.detail).toBe(`${dns.server.address}:${dns.server.port} did not answer within 500 ms (udp/${dns.server.port})`);
    // The fix names the port the user gave, not always 53.
    const [cause] = summarise([r as CheckResult]).causes;
    expect(cause?.fix).toContain(`allow udp/${dns.server.port} and tcp/${dns.server.port} to it`);
    expect(cause?.fix).not.toContain('udp/53 ');
    // One deadline over the whole lookup (A and AAAA), not one per query in turn.
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe('what the DNS phase reports', () => {
  it('the CNAME chain, the lowest TTL along it, and special ranges', async () => {
    dns.handle(zone([CNAME('api.example.test', 'edge.cdn.test', 300), A('edge.cdn.test', '127.0.0.1', 20)]));
    const [r] = await check([flow('api.example.test')]);
    expect(r?.dns).toEqual({
      server: `127.0.0.1:${dns.server.port}`,
      port: dns.server.port,
      chain: ['api.example.test', 'edge.cdn.test'],
      ttl: 20,
      special: [{ address: '127.0.0.1', range: 'loopback' }],
      sinkhole: [],
      failures: [],
    });
  });

  it('NXDOMAIN and SERVFAIL are dns-errors with their own problem', async () => {
    dns.handle((q) => (q.name.startsWith('gone') ? reply(q, [], { rcode: 'NXDOMAIN' }) : reply(q, [], { rcode: 'SERVFAIL' })));
    const [gone, broken] = await check([flow('gone.example.test'), flow('broken.example.test')]);
    expect(gone).toMatchObject({ status: 'dns-error', dnsProblem: 'no-such-name' });
    expect(broken).toMatchObject({ status: 'dns-error', dnsProblem: 'server-error', detail: `127.0.0.1:${dns.server.port} answered SERVFAIL` });
  });

  it('a name with no A or AAAA record is a dns-error, not a connection to nowhere', async () => {
    dns.handle((q) => reply(q, []));
    const [r] = await check([flow('empty.example.test')]);
    expect(r).toMatchObject({ status: 'dns-error', dnsProblem: 'no-address', attempts: [] });
  });

  it('asks once per host however many flows share it', async () => {
    dns.handle(zone([A('shared.example.test', '127.0.0.1')]));
    const results = await check([flow('shared.example.test'), flow('shared.example.test', port)]);
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(dns.asked.map((q) => q.type).sort()).toEqual(['A', 'AAAA']);
  });
});

describe('TCP verdicts', () => {
  it('a closed port is refused, told apart from a timeout', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    dns.handle(zone([A('shut.example.test', '127.0.0.1')]));
    const [r] = await check([flow('shut.example.test', closedPort)]);
    expect(r).toMatchObject({ status: 'refused', attempts: [{ address: '127.0.0.1', result: 'refused', code: 'ECONNREFUSED' }] });
  });

  it('one address connects and another does not: ok, with a warning', async () => {
    dns.handle(zone([A('two.example.test', '127.0.0.1'), AAAA('two.example.test', '::1')]));
    // The listener is on 127.0.0.1 only: ::1 refuses (or is unreachable where IPv6 is off).
    const [r] = await check([flow('two.example.test')]);
    expect(r?.status).toBe('ok');
    expect(r?.attempts.find((a) => a.address === '127.0.0.1')?.result).toBe('ok');
    expect(['refused', 'unreachable']).toContain(r?.attempts.find((a) => a.address === '::1')?.result);
  });
});

describe('A and AAAA are independent', () => {
  it('AAAA REFUSED (dnsmasq --address=/#/ without upstream): the flow goes on with the A answer, and the failed family is a warning', async () => {
    dns.handle((q) => (q.type === 'A' ? reply(q, [A(q.name, '127.0.0.1', 60)]) : reply(q, [], { rcode: 'REFUSED' })));
    const [r] = await check([flow('half.example.test')]);
    expect(r).toMatchObject({ status: 'ok', addresses: ['127.0.0.1'] });
    expect(r?.dns?.failures).toEqual([{ type: 'AAAA', reason: 'REFUSED' }]);
    const s = summarise([r as CheckResult]);
    expect(s.causes).toEqual([]);
    expect(s.warnings.map((w) => w.cause)).toContain(`the resolver 127.0.0.1:${dns.server.port} answers A but fails AAAA for these names (AAAA: REFUSED)`);
  });

  it('AAAA never answered: the A answer is used after the deadline, with the timeout as the warning', async () => {
    dns.handle((q) => (q.type === 'A' ? reply(q, [A(q.name, '127.0.0.1', 60)]) : null));
    const [r] = await check([flow('quiet6.example.test')], 400);
    expect(r?.status).toBe('ok');
    expect(r?.dns?.failures).toEqual([{ type: 'AAAA', reason: 'no answer within 400 ms' }]);
  });

  it('dns-error only when no family gives an address', async () => {
    dns.handle((q) => reply(q, [], { rcode: 'REFUSED' }));
    const [r] = await check([flow('refused.example.test')]);
    expect(r).toMatchObject({ status: 'dns-error', dnsProblem: 'server-error' });
  });
});

describe('sinkhole and impossible answers', () => {
  /** Counts what reaches the loopback listener: 0.0.0.0 would connect to it on Linux. */
  async function counted(run: () => Promise<CheckResult[]>): Promise<{ results: CheckResult[]; connections: number }> {
    let connections = 0;
    const onConnection = () => (connections += 1);
    listener.on('connection', onConnection);
    try {
      const results = await run();
      return { results, connections };
    } finally {
      listener.off('connection', onConnection);
    }
  }

  it.each([
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
  ])('an A answer %s is a sinkhole verdict of its own, never connected to', async (address, range) => {
    dns.handle(zone([A('blocked.example.test', address)]));
    const { results, connections } = await counted(() => check([flow('blocked.example.test')]));
    const [r] = results;
    expect(r).toMatchObject({ status: 'dns-error', dnsProblem: 'sinkhole', attempts: [], addresses: [] });
    expect(r?.dns?.sinkhole).toEqual([{ address, range }]);
    expect(connections).toBe(0);
    const [cause] = summarise(results).causes;
    expect(cause?.cause).toContain('a DNS filter or sinkhole blocks them');
    expect(cause?.fix).toContain('allow blocked.example.test in the DNS filter');
  });

  it.each([
    ['::', 'unspecified'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['ff02::1', 'multicast'],
    ['100::1', 'discard'],
  ])('an AAAA answer %s is a sinkhole too', async (address, range) => {
    dns.handle(zone([AAAA('blocked6.example.test', address)]));
    const { results, connections } = await counted(() => check([flow('blocked6.example.test')]));
    expect(results[0]).toMatchObject({ status: 'dns-error', dnsProblem: 'sinkhole', attempts: [] });
    expect(results[0]?.dns?.sinkhole.map((s) => s.range)).toEqual([range]);
    expect(results[0]?.addresses).toEqual([]);
    expect(connections).toBe(0);
    // The same cause and fix as an A sinkhole: the engineer allows the name in the DNS filter.
    const [cause] = summarise(results).causes;
    expect(cause?.cause).toContain('a DNS filter or sinkhole blocks them');
    expect(cause?.fix).toContain('allow blocked6.example.test in the DNS filter');
  });

  it('a sinkhole answer beside a real one: only the real one is tried, with a warning', async () => {
    dns.handle(zone([A('mixed.example.test', '0.0.0.0'), A('mixed.example.test', '127.0.0.1')]));
    const { results, connections } = await counted(() => check([flow('mixed.example.test')]));
    expect(results[0]).toMatchObject({ status: 'ok', addresses: ['127.0.0.1'] });
    expect(results[0]?.attempts.map((a) => a.address)).toEqual(['127.0.0.1']);
    expect(connections).toBe(1);
    expect(summarise(results).warnings.map((w) => w.cause)).toContain(
      'some answers for these names are addresses no host can be reached at (0.0.0.0): not tried',
    );
  });

  it('loopback and private answers keep their warning and are connected to', async () => {
    dns.handle(zone([A('lan.example.test', '127.0.0.1')]));
    const { results, connections } = await counted(() => check([flow('lan.example.test')]));
    expect(results[0]?.status).toBe('ok');
    expect(connections).toBe(1);
    expect(results[0]?.dns?.special).toEqual([{ address: '127.0.0.1', range: 'loopback' }]);
  });
});

describe('CNAME loops', () => {
  it('a loop at the resolver is its own cause, not grouped with SERVFAIL/REFUSED', async () => {
    dns.handle((q) =>
      q.name.startsWith('broken')
        ? reply(q, [], { rcode: 'SERVFAIL' })
        : reply(q, [CNAME('loop.example.test', 'back.example.test'), CNAME('back.example.test', 'loop.example.test')]),
    );
    const results = await check([flow('loop.example.test'), flow('broken.example.test')]);
    expect(results[0]).toMatchObject({ status: 'dns-error', dnsProblem: 'cname-loop' });
    expect(results[0]?.detail).toContain('CNAME loop');
    const causes = summarise(results).causes;
    expect(causes).toHaveLength(2);
    expect(causes.find((c) => c.flows[0]?.startsWith('loop'))?.cause).toBe(
      `the resolver 127.0.0.1:${dns.server.port} answers these names with a CNAME loop or an endless CNAME chain`,
    );
  });
});

describe('addresses per flow and sockets per run are bounded', () => {
  it('1000 A records: a few per family are tried (RFC 8305 order), the rest counted as untried', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => A('wide.example.test', `127.9.${Math.floor(i / 250)}.${(i % 250) + 1}`));
    const six = Array.from({ length: 10 }, (_, i) => AAAA('wide.example.test', `::ffff:127.8.0.${i + 1}`));
    dns.handle(zone([...many, ...six]));
    const [r] = await check([flow('wide.example.test')], 500);
    expect(r?.attempts).toHaveLength(2 * PER_FAMILY);
    expect(r?.untried).toBe(1010 - 2 * PER_FAMILY);
    expect(r?.detail).toMatch(/; 1004 more addresses not tried$/);
    // Interleaved, IPv6 first, each family in the resolver's order.
    // (dns-packet writes the IPv4-mapped answers in hex.)
    expect(r?.attempts.map((a) => a.address)).toEqual(['::ffff:7f08:1', '127.9.0.1', '::ffff:7f08:2', '127.9.0.2', '::ffff:7f08:3', '127.9.0.3']);
  });

  it('many flows at once never hold more than MAX_OPEN_SOCKETS sockets', async () => {
    // A proxy on loopback that accepts and never answers CONNECT: every flow holds its
    // socket until the timeout. Without the cap all 300 would be open at once.
    let open = 0;
    let peak = 0;
    const held = new Set<net.Socket>();
    const silent = net.createServer((s) => {
      held.add(s);
      open += 1;
      peak = Math.max(peak, open);
      s.on('error', () => {});
      s.resume(); // read (and drop) the CONNECT request, so that 'end' can come
      // Counted down on the client's FIN, which it sends before it takes the next slot.
      s.on('end', () => {
        open -= 1;
        s.destroy();
        held.delete(s);
      });
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const proxy = { host: '127.0.0.1', port: (silent.address() as AddressInfo).port, text: 'silent proxy', auth: null };
    try {
      const flows = Array.from({ length: 300 }, (_, i) => flow(`h${i}.example.test`));
      const results = await checkFlows(flows, { resolver: once(siteResolver(dns.server, 300)), proxy, pac: null, timeoutMs: 300, concurrency: flows.length });
      expect(results.every((r) => r.status === 'proxy-error' && r.proxyProblem === 'no-answer')).toBe(true);
      expect(peak).toBeGreaterThan(MAX_OPEN_SOCKETS / 2);
      // A few of slack: the server may accept a new connection a moment before it reads the
      // FIN of the one that gave its slot up.
      expect(peak).toBeLessThanOrEqual(MAX_OPEN_SOCKETS + 4);
    } finally {
      for (const s of held) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
