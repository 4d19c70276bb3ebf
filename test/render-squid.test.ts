// The squid target against a real Squid (Debian squid-openssl) in a namespace of the test's
// own, configured as Debian's squid.conf is (deny CONNECT outside SSL_ports, the include,
// deny all): every planned flow's CONNECT is allowed, an unplanned host and an unplanned
// port are refused. `check` through the proxy tells which; no traffic leaves the namespace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plan } from '../src/core/planner.js';
import { catalogue } from './helpers/catalogue.js';
import type { JsonOut } from './helpers/check-json.js';
import { CheckSite, siteHosts } from './helpers/check-site.js';
import { cli } from './helpers/cli.js';
import { requireSystem } from './helpers/system.js';

const ok = requireSystem('squid target enforced by a real Squid', ['ip', 'dnsmasq', 'openssl', 'squid'], { netns: true });
const full = plan(catalogue, { agents: catalogue.agents.map((a) => a.id), options: ['cca-activation'] });
const IOT = 'a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com';

async function squidFile(...args: string[]): Promise<string> {
  const r = await cli('render', '--target', 'squid', '--source', '127.0.0.1/32', ...args);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe.skipIf(!ok)('render --target squid, enforced by Squid', () => {
  let site: CheckSite;
  beforeAll(async () => {
    // The IoT endpoint takes the devices' ALPN on 443, as AWS IoT does.
    site = await CheckSite.start({ ports: [443, 8883], hosts: siteHosts(full.hosts, (h) => (h === IOT ? { alpn: ['x-amzn-mqtt-ca'] } : {})) });
  }, 30_000);
  afterAll(async () => site?.close());

  function checkThrough(port: number, agents: string): JsonOut {
    const r = site.run(['check', '--agents', agents, '--proxy', `http://127.0.0.1:${port}`, '--timeout', '3000', '--json']);
    return JSON.parse(r.stdout) as JsonOut;
  }

  it('allows every planned flow and refuses the hosts it does not name', async () => {
    await site.startSquid({ port: 3140, include: await squidFile('--agents', 'rdms') });
    const planned = checkThrough(3140, 'rdms');
    expect(planned.results.map((r) => [r.host, r.status])).toEqual(planned.results.map((r) => [r.host, 'ok']));
    const other = checkThrough(3140, 'cdca-v1');
    expect(other.results.map((r) => [r.status, r.proxyProblem, r.proxyStatus])).toEqual(other.results.map(() => ['proxy-error', 'denied', 403]));
  });

  it('allows 8883 only where planned: with --iot-port 443 the IoT endpoint is refused on 8883', async () => {
    await site.startSquid({ port: 3141, include: await squidFile('--agents', 'cca', '--iot-port', '443') });
    const out = checkThrough(3141, 'cca');
    const status = new Map(out.results.map((r) => [`${r.host}:${r.port}`, r.status]));
    for (const [flow, s] of status) expect(s, flow).toBe(flow.endsWith(':8883') ? 'proxy-error' : 'ok');
    await site.startSquid({ port: 3142, include: await squidFile('--agents', 'cca') });
    expect(checkThrough(3142, 'cca').results.every((r) => r.status === 'ok')).toBe(true);
  });

  it('in wildcard mode the vendor domains pass on 443, and 8883 still only to the IoT endpoint', async () => {
    const text = await squidFile('--agents', 'cca', '--mode', 'wildcard');
    expect(text).toMatch(/^acl emaint_dst_8883 dstdomain a2etju7iem1tgc-ats\.iot\.eu-central-1\.amazonaws\.com$/m);
    expect(text.match(/^acl \S+ dstdomain \.amazonaws\.com$/gm)).toEqual(['acl emaint_dst_443 dstdomain .amazonaws.com']);
    await site.startSquid({ port: 3143, include: text });
    expect(checkThrough(3143, 'cca').results.every((r) => r.status === 'ok')).toBe(true);
  });
});
