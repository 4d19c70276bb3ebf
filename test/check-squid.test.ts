// `check` through a real Squid (Debian squid-openssl) in a namespace: a TLS-inspecting
// proxy (ssl-bump, its own CA) with Basic authentication that opens the tunnel to a host
// it denies and serves its block page inside; and a proxy that offers only NTLM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plan } from '../src/core/planner.js';
import { catalogue } from './helpers/catalogue.js';
import { CheckSite, type Squid, siteHosts } from './helpers/check-site.js';
import { type JsonOut, resultOf as result } from './helpers/check-json.js';
import { requireSystem } from './helpers/system.js';

const ok = requireSystem(
  'check tests through Squid in a namespace',
  ['ip', 'dnsmasq', 'openssl', 'squid', '/usr/lib/squid/security_file_certgen', '/usr/lib/squid/basic_ncsa_auth', '/usr/lib/squid/ntlm_fake_auth'],
  { netns: true },
);

const cca = plan(catalogue, { agents: ['cca'], options: [] });
const IOT = 'a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com';
const DENIED = 'camapi.srv.ygles.com';
const ALLOWED = 'camapi-ec1.srv.ygles.com';
const USER = 'fieldeng';
const PASSWORD = 'Squ1d-basic.secret';

describe.skipIf(!ok)('check through a TLS-inspecting Squid that denies a host inside the tunnel', () => {
  let site: CheckSite;
  let squid: Squid;
  let out: JsonOut;
  let text: string;
  beforeAll(async () => {
    // Every host an origin web server; the IoT endpoint too, so a request there would show.
    site = await CheckSite.start({ ports: [443, 8883], hosts: siteHosts(cca.hosts, () => ({ http: true })) });
    squid = await site.startSquid({ port: 3130, bump: true, auth: { basic: { user: USER, password: PASSWORD } }, deny: [DENIED] });
    const proxy = ['--proxy', `http://${USER}@127.0.0.1:3130`];
    const json = site.run(['check', '--agents', 'cca', '--timeout', '5000', '--json', ...proxy], { EMAINT_PROXY_PASSWORD: PASSWORD });
    expect(json.stderr).toBe('');
    out = JSON.parse(json.stdout) as JsonOut;
    const plain = site.run(['check', '--agents', 'cca', '--timeout', '5000', ...proxy], { EMAINT_PROXY_PASSWORD: PASSWORD });
    text = plain.stdout + plain.stderr;
    if (process.env['SHOW_SQUID_CHECK']) console.log(text);
  }, 90_000);
  afterAll(async () => site?.close());

  it("every flow is inspected: tls-untrusted, issued by Squid's CA", () => {
    expect(new Set(out.results.map((r) => r.status))).toEqual(new Set(['tls-untrusted']));
    expect(new Set(out.results.map((r) => r.issuer))).toEqual(new Set([`${squid.caIssuer}, emaint-egress tests`]));
  });

  it('the denied host is also "denied by the inspecting proxy/firewall", with its own cause and fix', () => {
    const r = result(out, DENIED);
    expect(r.probe).toMatchObject({ httpStatus: 403, proxyError: expect.stringMatching(/^X-Squid-Error: ERR_ACCESS_DENIED/), denied: true });
    expect(r.probe?.server).toMatch(/^squid/);
    expect(r.detail).toMatch(/HEAD \/ inside it: HTTP 403 \(X-Squid-Error: ERR_ACCESS_DENIED.*\): denied by the inspecting proxy\/firewall/);
    const denial = out.summary.causes.filter((c) => c.cause.startsWith('the inspecting proxy/firewall denies these hosts'));
    expect(denial).toHaveLength(1);
    expect(denial[0]).toMatchObject({ status: 'tls-untrusted', flows: [`${DENIED}:443`] });
    expect(denial[0]?.fix).toBe(`allow ${DENIED} in the web/URL filter policy of the inspecting proxy/firewall (besides the TLS inspection exemption)`);
    // The inspection finding stays, next to the denial.
    expect(out.summary.causes.some((c) => c.cause.includes('TLS inspection') && c.flows.includes(`${DENIED}:443`))).toBe(true);
    expect(text).toContain('the inspecting proxy/firewall denies these hosts');
    expect(text).toContain(`fix: allow ${DENIED} in the web/URL filter policy`);
  });

  it("an allowed host gets the origin's answer through Squid: inspection only, not denied", () => {
    const r = result(out, ALLOWED);
    expect(r.probe).toEqual({ httpStatus: 404, server: 'origin.test', proxyError: null, denied: false, marked: false });
    expect(out.summary.causes.filter((c) => c.cause.startsWith('the inspecting proxy/firewall denies')).flatMap((c) => c.flows)).toEqual([`${DENIED}:443`]);
    // The origin saw the HEAD of the allowed host and, without credentials, nothing of the denied one.
    expect(site.originRequests().filter((l) => / HEAD \/ HTTP\/1\.1$/.test(l)).length).toBeGreaterThan(0);
  });

  it('sends no HEAD on the MQTT flows (8883, and 443 with ALPN): Squid saw no request there', () => {
    expect(result(out, IOT, 443).probe).toBeUndefined();
    expect(result(out, IOT, 8883).probe).toBeUndefined();
    const log = squid.accessLog();
    // The log works: the CONNECTs and the probes of the other hosts are in it.
    expect(log).toContain(`CONNECT ${IOT}:8883`);
    expect(log).toContain(`HEAD https://${DENIED}/`);
    expect(log).not.toMatch(new RegExp(`(HEAD|GET|POST) https://${IOT.replace(/\./g, '\\.')}`));
    expect(site.originRequests().filter((l) => l.startsWith(`127.0.1.${cca.hosts.indexOf(IOT) + 1}:`))).toEqual([]);
  });

  it('the password is never printed', () => {
    expect(JSON.stringify(out)).not.toContain(PASSWORD);
    expect(text).not.toContain(PASSWORD);
  });
});

describe.skipIf(!ok)('check through Squids that ask for authentication with a head over 16 KiB', () => {
  let site: CheckSite;
  beforeAll(async () => {
    site = await CheckSite.start({ ports: [443], hosts: siteHosts(plan(catalogue, { agents: ['erds', 'rdms'], options: [] }).hosts) });
    // 24 KiB of headers: beyond Node's http parser (16 KiB), so the old check said HPE_HEADER_OVERFLOW.
    await site.startSquid({ port: 3131, auth: { ntlm: true }, padKiB: 24 });
    await site.startSquid({ port: 3132, auth: { basic: { user: USER, password: PASSWORD } }, padKiB: 24 });
  }, 60_000);
  afterAll(async () => site?.close());

  it('a 407 with a huge head is an authentication problem, not an unreachable proxy', () => {
    const none = JSON.parse(site.run(['check', '--agents', 'rdms', '--timeout', '5000', '--json', '--proxy', 'http://127.0.0.1:3132']).stdout) as JsonOut;
    expect(new Set(none.results.map((x) => `${x.proxyProblem}/${x.proxyStatus}`))).toEqual(new Set(['auth/407']));
    expect(none.results[0]?.detail).toBe('the proxy 127.0.0.1:3132 wants authentication (give --proxy http://user:password@host:port) (HTTP 407)');
    const wrong = JSON.parse(
      site.run(['check', '--agents', 'rdms', '--timeout', '5000', '--json', '--proxy', `http://${USER}:wrong-one@127.0.0.1:3132`]).stdout,
    ) as JsonOut;
    expect(wrong.results[0]?.detail).toBe('the proxy 127.0.0.1:3132 rejected the credentials (HTTP 407)');
    expect(wrong.summary.causes.map((c) => c.fix)).toEqual(['check the proxy user and password (Basic authentication: the only kind eRDS supports)']);
  });

  it('one that offers only NTLM is its own finding: the devices cannot pass it whatever the password; the fix names the agents', () => {
    for (const proxy of ['http://127.0.0.1:3131', `http://${USER}:${PASSWORD}@127.0.0.1:3131`]) {
      const r = site.run(['check', '--agents', 'erds,rdms', '--timeout', '5000', '--json', '--proxy', proxy]);
      expect(r.code).toBe(1);
      const out = JSON.parse(r.stdout) as JsonOut;
      expect(new Set(out.results.map((x) => `${x.status}/${x.proxyProblem}/${x.proxyStatus}/${x.proxyAuthSchemes?.join(',')}`))).toEqual(
        new Set(['proxy-error/auth-scheme/407/NTLM']),
      );
      expect(out.results[0]?.detail).toBe('the proxy 127.0.0.1:3131 offers only NTLM authentication, not Basic (HTTP 407)');
      expect(out.summary.causes).toHaveLength(1);
      expect(out.summary.causes[0]?.cause).toBe(
        'the proxy 127.0.0.1:3131 offers only NTLM authentication (HTTP 407): eRDS supports only Basic, so the devices cannot pass it whatever the password',
      );
      expect(out.summary.causes[0]?.fix).toBe(
        "enable Basic authentication on 127.0.0.1:3131 for the devices' subnet, or exempt a02.c-cdsknn.net, device.c-cdsknn.net, device02.c-cdsknn.net, a01.ugwdevice.net and b01.ugwdevice.net from proxy authentication (affects agents rdms, erds)",
      );
      expect(r.stdout).not.toContain(PASSWORD);
    }
  });
});

describe.skipIf(!ok)('check direct, behind a transparent inspecting firewall', () => {
  let site: CheckSite;
  const BLOCKED = 'hbp-ec1l.srv.ygles.com';
  beforeAll(async () => {
    // A FortiGate-like block page inside the inspected session of one host; the origin's answer behind the other.
    const blockPage = 'HTTP/1.1 403 Forbidden\r\nServer: FortiGate\r\nContent-Type: text/html\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';
    site = await CheckSite.start({
      ports: [443, 8883],
      hosts: siteHosts(cca.hosts, (h) =>
        h === BLOCKED ? { far: 'inspected', http: blockPage } : h === ALLOWED || h === IOT ? { far: 'inspected', http: true } : { http: true },
      ),
    });
  }, 60_000);
  afterAll(async () => site?.close());

  it("probes direct flows too: the block page is a denial, the origin's answer is not, MQTT gets no HEAD", () => {
    const r = site.run(['check', '--agents', 'cca', '--timeout', '3000', '--json']);
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(result(out, BLOCKED)).toMatchObject({
      status: 'tls-untrusted',
      route: 'direct',
      probe: { httpStatus: 403, server: 'FortiGate', proxyError: null, denied: true, marked: true },
    });
    expect(result(out, ALLOWED)).toMatchObject({ status: 'tls-untrusted', probe: { httpStatus: 404, denied: false } });
    // A trusted certificate is no inspection: nothing is sent.
    expect(result(out, DENIED)).toMatchObject({ status: 'ok' });
    expect(result(out, DENIED).probe).toBeUndefined();
    expect(result(out, IOT, 8883).probe).toBeUndefined();
    expect(result(out, IOT, 443).probe).toBeUndefined();
    expect(out.summary.causes.filter((c) => c.cause.startsWith('the inspecting proxy/firewall denies')).map((c) => [c.cause, c.flows])).toEqual([
      [
        'the inspecting proxy/firewall denies these hosts: it answers HEAD / inside the inspected session itself (HTTP 403, Server: FortiGate)',
        [`${BLOCKED}:443`],
      ],
    ]);
    const requests = site.originRequests();
    expect(requests).toHaveLength(2);
    expect(requests.every((l) => l.endsWith(' HEAD / HTTP/1.1'))).toBe(true);
  });
});
