// The check's DNS phase end to end, in-process: checkFlows against the dns-packet test
// server on 127.0.0.1, with flows made here to a loopback listener. Forged and garbage
// answers arrive first and must be ignored; only the real answer counts.
import net, { type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Flow } from '../src/core/planner.js';
import { checkFlows } from '../src/net/check/checker.js';
import { once, siteResolver } from '../src/net/check/lookup.js';
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
  return { host, protocol: 'tcp', port: p, portStated: true, agents: ['cca'], options: [], wildcard: null, service: null, clientCertificate: false, alpn: null, notes: [], provenance: [] };
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
    expect(r?.detail).toBe(`${dns.server.address}:${dns.server.port} did not answer within 500 ms`);
    // One deadline over the whole lookup (A and AAAA), not one per query in turn.
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe('what the DNS phase reports', () => {
  it('the CNAME chain, the lowest TTL along it, and special ranges', async () => {
    dns.handle(zone([CNAME('api.example.test', 'edge.cdn.test', 300), A('edge.cdn.test', '127.0.0.1', 20)]));
    const [r] = await check([flow('api.example.test')]);
    expect(r?.dns).toEqual({ server: `127.0.0.1:${dns.server.port}`, chain: ['api.example.test', 'edge.cdn.test'], ttl: 20, special: [{ address: '127.0.0.1', range: 'loopback' }] });
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
