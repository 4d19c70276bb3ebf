// `check` against a real site in a network namespace: dnsmasq as the resolver, TLS
// servers with openssl-made certificates, iptables DROP, tinyproxy. The built CLI runs
// inside the namespace; no traffic leaves it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckSite, fullPlan, fullPlanHosts, fullSiteHosts } from './helpers/check-site.js';
import { type JsonOut, resultOf as result } from './helpers/check-json.js';
import { requireSystem } from './helpers/system.js';

const ok = requireSystem('check tests against a site in a namespace', ['ip', 'iptables', 'ip6tables', 'dnsmasq', 'openssl', 'tinyproxy'], { netns: true });

const IOT = 'a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com';
const { COGNITO, KINESIS, GDLP, CAM_EC1, CAMAPI, CAMAPI_EC1, CAMAPIS, CAMAPIS_EC1 } = fullPlanHosts({
  COGNITO: 'cognito-identity.',
  KINESIS: 'kinesis.',
  GDLP: 'gdlp01.',
  CAM_EC1: 'cam-ec1.',
  CAMAPI: 'camapi.',
  CAMAPI_EC1: 'camapi-ec1.',
  CAMAPIS: 'camapis.',
  CAMAPIS_EC1: 'camapis-ec1.',
});
// tinyproxy's config takes [-a-z0-9._] in BasicAuth; odd characters are tested on the URL parser.
const PASSWORD = 'Tr0ub4dor-3.secret';

function statusOf(out: JsonOut): Map<string, string> {
  return new Map(out.results.map((r) => [`${r.host}:${r.port}`, r.status]));
}

describe.skipIf(!ok)('check: a site where things go wrong', () => {
  let site: CheckSite;
  beforeAll(async () => {
    site = await CheckSite.start({
      ports: [443, 8883],
      missing: [GDLP],
      hosts: fullSiteHosts({
        [IOT]: { far: 'inspected' },
        [GDLP]: { far: 'none' },
        [CAM_EC1]: { far: 'none' },
        [CAMAPI]: { drop: true },
        [CAMAPI_EC1]: { far: 'inspected' },
        [CAMAPIS]: { far: 'wrong-name' },
        [CAMAPIS_EC1]: { far: 'silent' },
      }),
    });
  }, 30_000);
  afterAll(async () => site?.close());

  let out: JsonOut;
  let code: number;
  // How long this takes is for the benchmark (test/bench), not for a test.
  beforeAll(() => {
    const r = site.run(['check', '--agents', 'all', '--cca-activation', '--timeout', '1500', '--json']);
    code = r.code;
    expect(r.stderr).toBe('');
    out = JSON.parse(r.stdout) as JsonOut;
  });

  it('gives each flow the verdict its far end deserves, and exit code 1', () => {
    expect(code).toBe(1);
    const expected = new Map(fullPlan.flows.map((f) => [`${f.host}:${f.port}`, 'ok']));
    expected.set(`${IOT}:443`, 'tls-untrusted');
    expected.set(`${IOT}:8883`, 'tls-untrusted');
    expected.set(`${GDLP}:443`, 'dns-error');
    expected.set(`${CAM_EC1}:443`, 'refused');
    expected.set(`${CAMAPI}:443`, 'timeout');
    expected.set(`${CAMAPI_EC1}:443`, 'tls-untrusted');
    expected.set(`${CAMAPIS}:443`, 'tls-error');
    expected.set(`${CAMAPIS_EC1}:443`, 'tls-error');
    expect(statusOf(out)).toEqual(expected);
    expect(out.summary).toMatchObject({ total: 22, ok: 14, failed: 8, resolver: '127.0.0.1:53' });
  });

  it('names the inspection CA, and says client-certificate endpoints must be exempt', () => {
    const r = result(out, CAMAPI_EC1);
    expect(r.issuer).toBe(`${site.pki.inspectionIssuer}, emaint-egress tests`);
    expect(r.detail).toContain('not trusted');
    const causes = out.summary.causes.filter((c) => c.status === 'tls-untrusted');
    expect(causes.map((c) => c.cause)).toEqual([
      `certificates issued by "${r.issuer}", which the system does not trust: TLS inspection`,
      `certificates issued by "${r.issuer}", which the system does not trust: TLS inspection`,
    ]);
    const iot = causes.find((c) => c.flows.includes(`${IOT}:443`));
    expect(iot?.fix).toBe(`exempt ${IOT} from TLS inspection: the devices authenticate there with client certificates, so inspection breaks the agent`);
    expect(iot?.flows).toEqual([`${IOT}:443`, `${IOT}:8883`]);
    expect(causes.find((c) => c.flows.includes(`${CAMAPI_EC1}:443`))?.fix).toBe(`exempt ${CAMAPI_EC1} from TLS inspection`);
  });

  it('tells a silent drop from a refusal, and says what to allow', () => {
    expect(result(out, CAMAPI).detail).toBe('127.0.1.6:443: no answer within 1500 ms');
    expect(result(out, CAMAPI).timings.connect).toBeGreaterThanOrEqual(1400);
    expect(result(out, CAM_EC1).detail).toBe('127.0.1.5:443: refused (ECONNREFUSED)');
    expect(out.summary.causes).toContainEqual({
      status: 'timeout',
      cause: 'tcp/443 is silently dropped (no answer within the timeout)',
      fix: `allow tcp/443 to ${CAMAPI} on the firewall`,
      flows: [`${CAMAPI}:443`],
    });
    expect(out.summary.causes.find((c) => c.status === 'refused')?.flows).toEqual([`${CAM_EC1}:443`]);
  });

  it('reports NXDOMAIN as a DNS error of the site resolver', () => {
    const r = result(out, GDLP);
    expect(r).toMatchObject({ status: 'dns-error', dnsProblem: 'no-such-name', addresses: [] });
    expect(r.detail).toBe('127.0.0.1:53 says the name does not exist (NXDOMAIN)');
  });

  it('a certificate for another name and a swallowed handshake are TLS errors', () => {
    expect(result(out, CAMAPIS).detail).toMatch(/^certificate is not for camapis\.srv\.ygles\.com: /);
    expect(result(out, CAMAPIS_EC1).detail).toBe('no TLS answer within 1500 ms (an SNI filter or IPS may drop the handshake)');
  });

  it('prints a table and the causes with fixes on a plain run', () => {
    const r = site.run(['check', '--agents', 'cdca-v2', '--timeout', '1000']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^STATUS +HOST +PORT +TIME +DETAIL$/m);
    expect(r.stdout).toMatch(new RegExp(`^TIMEOUT +${CAMAPI.replace(/\./g, '\\.')} +tcp/443 `, 'm'));
    expect(r.stdout).toContain('Causes and fixes:');
    expect(r.stdout).toContain(`  fix: allow tcp/443 to ${CAMAPI} on the firewall`);
    expect(r.stdout).toContain('these names resolve to loopback addresses: a sign of split-horizon DNS or a sinkhole');
  });
});

describe.skipIf(!ok)('check: the IoT endpoint behind something that drops ALPN', () => {
  let site: CheckSite;
  beforeAll(async () => {
    site = await CheckSite.start({ ports: [443], hosts: new Map([[IOT, { v4: '127.0.1.2', far: 'tls' }]]) });
  }, 30_000);
  afterAll(async () => site?.close());

  it('a server that does not take x-amzn-mqtt-ca is a TLS error: MQTT on 443 would fail', () => {
    const r = site.run(['check', '--agents', 'cca', '--json', '--timeout', '2000']);
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(result(out, IOT)).toMatchObject({
      status: 'tls-error',
      alpn: null,
      detail: 'the server did not accept ALPN x-amzn-mqtt-ca, which the devices need here (a middlebox may strip it)',
    });
  });
});

describe.skipIf(!ok)('check: a healthy site, direct and through proxies', () => {
  let site: CheckSite;
  beforeAll(async () => {
    site = await CheckSite.start({
      ports: [443, 8883],
      hosts: fullSiteHosts({
        [COGNITO]: { v6: 'fd00:ee::1' },
        [KINESIS]: { cname: 'edge.kinesis.test' },
        [IOT]: { alpn: ['x-amzn-mqtt-ca'], requestCert: true },
      }),
    });
    await site.startProxy(3128);
    await site.startProxy(3129, { user: 'fieldeng', password: PASSWORD });
  }, 30_000);
  afterAll(async () => site?.close());

  /** All agents, unless `args` names others. */
  function check(...args: string[]): { code: number; out: JsonOut; raw: string } {
    const agents = args.includes('--agents') ? [] : ['--agents', 'all', '--cca-activation'];
    const r = site.run(['check', ...agents, '--timeout', '3000', '--json', ...args]);
    // A password typed into --proxy is visible in ps: that one warning, and nothing else.
    const typed = args.some((a) => /^http:\/\/[^@/]*:[^@/]+@/.test(a));
    expect(r.stderr).toBe(
      typed
        ? "warning: a password given in --proxy is visible to every user of this machine (ps) and in the shell's history; give http://user@host:port and the password in $EMAINT_PROXY_PASSWORD\n"
        : '',
    );
    return { code: r.code, out: JSON.parse(r.stdout) as JsonOut, raw: r.stdout + r.stderr };
  }

  it('every flow is ok, with TLS details, and exit code 0', () => {
    const { code, out } = check();
    expect(code).toBe(0);
    expect(new Set(out.results.map((r) => r.status))).toEqual(new Set(['ok']));
    const r = result(out, CAMAPI);
    expect(r.issuer).toBe('emaint-egress Test Root CA, emaint-egress tests');
    expect(r.tlsVersion).toBe('TLSv1.3');
    expect(Date.parse(r.expires ?? '') - Date.now()).toBeGreaterThan(24 * 3600 * 1000);
    expect(r.timings.dns).not.toBeNull();
    expect(r.timings.connect).not.toBeNull();
    expect(r.timings.tls).not.toBeNull();
  });

  it('offers ALPN x-amzn-mqtt-ca to the IoT endpoint on 443, and only there', () => {
    const { out } = check();
    expect(result(out, IOT, 443).alpn).toBe('x-amzn-mqtt-ca');
    expect(result(out, IOT, 8883).alpn).toBeNull();
  });

  it('follows CNAMEs and reports the chain, the TTL, and both address families', () => {
    const { out } = check();
    expect(result(out, KINESIS).dns?.chain).toEqual([KINESIS, 'edge.kinesis.test']);
    expect(result(out, KINESIS).dns?.ttl).toBe(0);
    expect(result(out, COGNITO).addresses).toEqual(['127.0.1.1', 'fd00:ee::1']);
    expect(result(out, COGNITO).dns?.special).toEqual([
      { address: '127.0.1.1', range: 'loopback' },
      { address: 'fd00:ee::1', range: 'uniqueLocal' },
    ]);
  });

  it('goes through a proxy with HTTP CONNECT', () => {
    const { code, out } = check('--proxy', 'http://127.0.0.1:3128');
    expect(code).toBe(0);
    expect(new Set(out.results.map((r) => r.route))).toEqual(new Set(['proxy 127.0.0.1:3128']));
    expect(result(out, CAMAPI).addresses).toEqual([]);
  });

  it('authenticates to the proxy with Basic, from the URL or the environment', () => {
    expect(check('--proxy', `http://fieldeng:${encodeURIComponent(PASSWORD)}@127.0.0.1:3129`).code).toBe(0);
    const r = site.run(['check', '--agents', 'rdms', '--json', '--proxy', 'http://fieldeng@127.0.0.1:3129'], { EMAINT_PROXY_PASSWORD: PASSWORD });
    expect(r.code).toBe(0);
  });

  it('a wrong proxy password is a proxy-error, and the password is never printed', () => {
    const wrong = 'wr0ng-Pa55word';
    for (const args of [['--json'], []]) {
      const r = site.run(['check', '--agents', 'rdms', '--proxy', `http://fieldeng:${wrong}@127.0.0.1:3129`, ...args]);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toContain(wrong);
      expect(r.stdout + r.stderr).not.toContain(Buffer.from(`fieldeng:${wrong}`).toString('base64'));
      if (args.length) {
        const out = JSON.parse(r.stdout) as JsonOut;
        expect(new Set(out.results.map((x) => `${x.status}/${x.proxyProblem}`))).toEqual(new Set(['proxy-error/auth']));
        expect(out.summary.causes[0]?.fix).toBe('check the proxy user and password (Basic authentication: the only kind eRDS supports)');
      } else {
        expect(r.stdout).toMatch(/the proxy 127\.0\.0\.1:3129 rejected the credentials \(HTTP 40[17]\)/);
      }
    }
  });

  it('without credentials, the proxy asks for them and the fix says how to give them', () => {
    const r = site.run(['check', '--agents', 'rdms', '--json', '--proxy', 'http://127.0.0.1:3129']);
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(r.code).toBe(1);
    expect(out.results[0]?.detail).toMatch(
      /^the proxy 127\.0\.0\.1:3129 wants authentication \(give --proxy http:\/\/user:password@host:port\) \(HTTP 40[17]\)$/,
    );
  });

  it('a proxy that is not there is a proxy-error', () => {
    const { code, out } = check('--proxy', 'http://127.0.0.1:3999', '--agents', 'rdms');
    expect(code).toBe(1);
    expect(out.results.map((r) => r.proxyProblem)).toEqual(['unreachable', 'unreachable', 'unreachable']);
  });

  it('routes each host as the PAC file says, with --proxy credentials for the proxy it names', () => {
    const pac = join(site.dir, 'site.pac');
    writeFileSync(
      pac,
      `function FindProxyForURL(url, host) {
        if (dnsDomainIs(host, ".srv.ygles.com")) return "PROXY 127.0.0.1:3129; DIRECT";
        if (host == "${GDLP}") return "SOCKS5 127.0.0.1:1080";
        if (isInNet(dnsResolve(host), "127.0.1.0", "255.255.255.0") && dnsDomainIs(host, ".c-cdsknn.net")) return "PROXY 127.0.0.1:3128";
        return "DIRECT";
      }`,
    );
    const { code, out } = check('--pac', pac, '--proxy', `http://fieldeng:${PASSWORD}@127.0.0.1:3129`);
    expect(code).toBe(1);
    const routes = new Map(out.results.map((r) => [r.host, r.route]));
    expect(routes.get(CAMAPI)).toBe('proxy 127.0.0.1:3129');
    expect(routes.get('device.c-cdsknn.net')).toBe('proxy 127.0.0.1:3128');
    expect(routes.get(IOT)).toBe('direct');
    expect(result(out, CAMAPI).status).toBe('ok');
    expect(result(out, GDLP)).toMatchObject({ status: 'proxy-error', proxyProblem: 'unsupported', detail: 'the PAC file answers SOCKS5 127.0.0.1:1080' });
    expect(out.results.filter((r) => r.status !== 'ok').map((r) => `${r.host} ${r.status} ${r.detail}`)).toEqual([
      `${GDLP} proxy-error the PAC file answers SOCKS5 127.0.0.1:1080`,
    ]);
  });

  it('uses the first nameserver of /etc/resolv.conf when no --dns-server is given', () => {
    const { out } = check('--agents', 'rdms');
    expect(out.summary.resolver).toBe('127.0.0.1:53');
    expect(result(out, 'device.c-cdsknn.net').dns?.server).toBe('127.0.0.1:53');
  });
});
