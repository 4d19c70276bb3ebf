// `check --format nagios` and `--format junit` against a real site in a network namespace
// (dnsmasq, TLS servers, iptables DROP: test/helpers/check-site.ts) where some flows fail:
// the plugin's state and exit code for each threshold, its perfdata equal to what --json
// counts, and a JUnit report that validates and fails exactly the failing flows. The CLI
// runs inside the namespace; no traffic leaves it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plan } from '../src/core/planner.js';
import { catalogue } from './helpers/catalogue.js';
import { CheckSite, fullPlan, fullPlanHosts, fullSiteHosts } from './helpers/check-site.js';
import type { JsonOut } from './helpers/check-json.js';
import type { CliResult } from './helpers/cli.js';
import { attributes, junitProblems, xpath } from './helpers/junit.js';
import { type PluginOutput, parsePluginOutput, perfValue } from './helpers/nagios.js';
import { requireSystem } from './helpers/system.js';

const ok = requireSystem('check output formats against a site in a namespace', ['ip', 'iptables', 'ip6tables', 'dnsmasq', 'openssl', 'xmllint'], {
  netns: true,
});

const { IOT, KINESIS, GDLP, CAM_EC1, CAMAPI, RGT } = fullPlanHosts({
  IOT: 'a2etju7iem1tgc-ats.',
  KINESIS: 'kinesis.',
  GDLP: 'gdlp01.',
  CAM_EC1: 'cam-ec1.',
  CAMAPI: 'camapi.',
  RGT: 'rgt.',
});
/** The flows this site fails, and why. rdms and erds go through untouched. */
const FAILING = new Map([
  [`${KINESIS}:443`, 'tls-untrusted'],
  [`${GDLP}:443`, 'dns-error'],
  [`${CAM_EC1}:443`, 'refused'],
  [`${CAMAPI}:443`, 'timeout'],
]);
const ALL = ['check', '--agents', 'all', '--cca-activation', '--timeout', '1000'];
/** A PAC answer with markup, a perfdata "|", quotes and a bidi override, for one host
 *  (no ";": it would end the PAC entry). */
const HOSTILE_PAC = `function FindProxyForURL(url, host) {
  if (host === "${RGT}") return "SOCKS5 evil|'x'=1 <b>&\\"]]>\\u202e:1080";
  return "DIRECT";
}`;

describe.skipIf(!ok)('check --format nagios and junit at a site where some flows fail', () => {
  let site: CheckSite;
  const runs = new Map<string, CliResult>();
  const nagios = (name: string): PluginOutput => parsePluginOutput(runs.get(name)?.stdout ?? '');

  beforeAll(async () => {
    site = await CheckSite.start({
      ports: [443, 8883],
      missing: [GDLP],
      hosts: fullSiteHosts({
        // The AWS IoT endpoint takes MQTT on 443 as AWS does: the devices' ALPN.
        [IOT]: { alpn: ['x-amzn-mqtt-ca'] },
        [KINESIS]: { far: 'inspected' },
        [GDLP]: { far: 'none' },
        [CAM_EC1]: { far: 'none' },
        [CAMAPI]: { drop: true },
      }),
    });
    const pac = join(site.dir, 'hostile.pac');
    writeFileSync(pac, HOSTILE_PAC);
    const argv: Record<string, string[]> = {
      json: [...ALL, '--json'],
      critical: [...ALL, '--format', 'nagios'],
      warning: [...ALL, '--format', 'nagios', '--warning', '0', '--critical', '5'],
      criticalAbove3: [...ALL, '--format', 'nagios', '--warning', '0', '--critical', '3'],
      ok: ['check', '--agents', 'rdms,erds', '--timeout', '1000', '--format', 'nagios'],
      junit: [...ALL, '--format', 'junit'],
      hostileJunit: ['check', '--agents', 'cca', '--timeout', '1000', '--pac', pac, '--format', 'junit'],
      hostileNagios: ['check', '--agents', 'cca', '--timeout', '1000', '--pac', pac, '--format', 'nagios'],
    };
    for (const [name, args] of Object.entries(argv)) runs.set(name, site.run(args));
  }, 120_000);
  afterAll(async () => site?.close());

  it('the site fails the flows it was built to fail (--json)', () => {
    const r = runs.get('json');
    expect(r?.code).toBe(1);
    const out = JSON.parse(r?.stdout ?? '') as JsonOut;
    expect(new Map(out.results.filter((x) => x.status !== 'ok').map((x) => [`${x.host}:${x.port}`, x.status]))).toEqual(FAILING);
    expect(out.summary).toMatchObject({ total: fullPlan.flows.length, failed: FAILING.size });
  });

  it('any failed flow is CRITICAL (exit 2), the perfdata counts equal --json for the same site', () => {
    const r = runs.get('critical');
    expect(r?.stderr).toBe('');
    expect(r?.code).toBe(2);
    const out = nagios('critical');
    expect(out.state).toBe('CRITICAL');
    expect(out.text).toBe(`4 of ${fullPlan.flows.length} flows fail (1 dns-error, 1 timeout, 1 refused, 1 tls-untrusted)`);
    const json = JSON.parse(runs.get('json')?.stdout ?? '') as JsonOut & { summary: { counts: Record<string, number> } };
    expect(perfValue(out, 'flows_total')).toBe(json.summary.total);
    expect(perfValue(out, 'flows_ok')).toBe(json.summary.ok);
    expect(perfValue(out, 'flows_failed')).toBe(json.summary.failed - (json.summary.counts['local-error'] ?? 0));
    expect(perfValue(out, 'flows_untried')).toBe(json.summary.counts['local-error']);
    expect(out.perf.get('flows_failed')).toMatchObject({ warn: '', crit: '0', min: '0', max: String(json.summary.total) });
    // The dropped flow waited the whole timeout; the run took about one timeout, not one per failure.
    expect(perfValue(out, 'connect_max')).toBeGreaterThanOrEqual(0.9);
    expect(perfValue(out, 'time')).toBeGreaterThanOrEqual(perfValue(out, 'connect_max'));
    expect(perfValue(out, 'time')).toBeLessThan(4);
    // Each failing flow once in the long output, with the fix for it.
    for (const [flow, status] of FAILING) expect(out.long.filter((l) => l.startsWith(`- ${flow} ${status}: `))).toHaveLength(1);
    expect(out.long).toContain(`  fix: allow tcp/443 to ${CAMAPI} on the firewall`);
  });

  it('--warning 0 --critical 5 makes 4 failed flows a WARNING (exit 1); --critical 3 a CRITICAL', () => {
    expect(runs.get('warning')?.code).toBe(1);
    expect(nagios('warning').state).toBe('WARNING');
    expect(nagios('warning').perf.get('flows_failed')).toMatchObject({ value: '4', warn: '0', crit: '5' });
    expect(runs.get('criticalAbove3')?.code).toBe(2);
    expect(nagios('criticalAbove3').state).toBe('CRITICAL');
  });

  it('agents whose flows all get out are OK (exit 0)', () => {
    const r = runs.get('ok');
    expect(r?.code).toBe(0);
    expect(r?.stderr).toBe('');
    const out = nagios('ok');
    expect(out.state).toBe('OK');
    const flows = plan(catalogue, { agents: ['rdms', 'erds'], options: [] }).flows.length;
    expect(out.text).toBe(`all ${flows} flows get out`);
    expect(perfValue(out, 'flows_ok')).toBe(flows);
  });

  it('the JUnit report validates, has a test case per flow and fails exactly the failing flows', () => {
    const r = runs.get('junit');
    expect(r?.code).toBe(1);
    expect(r?.stderr).toBe('');
    const xml = r?.stdout ?? '';
    expect(junitProblems(xml)).toBeNull();
    const json = JSON.parse(runs.get('json')?.stdout ?? '') as JsonOut;
    expect(attributes(xml, '//testcase', 'name')).toEqual(json.results.map((x) => `${x.host}:${x.port}`));
    expect(attributes(xml, '//testcase[failure]', 'name').sort()).toEqual([...FAILING.keys()].sort());
    expect(Number(xpath(xml, 'count(//testcase[error])'))).toBe(0);
    for (const [flow, status] of FAILING) expect(xpath(xml, `string(//testcase[@name="${flow}"]/failure/@type)`)).toBe(status);
    expect(xpath(xml, `string(//testcase[@name="${CAMAPI}:443"]/failure)`)).toContain(`fix: allow tcp/443 to ${CAMAPI} on the firewall`);
    expect(attributes(xml, '//testsuite', 'failures')).toEqual(['4']);
    expect(attributes(xml, '//testsuite', 'tests')).toEqual([String(json.summary.total)]);
    expect(xpath(xml, 'string(//property[@name="resolver"]/@value)')).toBe('127.0.0.1:53');
  });

  it('a hostile PAC answer stays inside its test case and its long output line', () => {
    const junit = runs.get('hostileJunit')?.stdout ?? '';
    expect(junitProblems(junit)).toBeNull();
    const message = xpath(junit, `string(//testcase[@name="${RGT}:443"]/failure/@message)`);
    expect(message).toContain(`SOCKS5 evil|'x'=1 <b>&"]]>\\u202e:1080`);
    // Beside it, cca's flows this site fails anyway: each in its own test case.
    expect(attributes(junit, '//testcase[failure]', 'name').sort()).toEqual([`${KINESIS}:443`, `${CAMAPI}:443`, `${RGT}:443`].sort());
    expect(xpath(junit, `string(//testcase[@name="${RGT}:443"]/failure/@type)`)).toBe('proxy-error');

    const r = runs.get('hostileNagios');
    expect(r?.code).toBe(2);
    const out = nagios('hostileNagios');
    expect(out.text).toBe('3 of 9 flows fail (1 timeout, 1 tls-untrusted, 1 proxy-error)');
    expect([...out.perf.keys()]).not.toContain('x');
    expect(out.long.filter((l) => l.includes('SOCKS5 evil'))).toEqual([
      expect.stringContaining(`- ${RGT}:443 proxy-error: `),
      expect.stringContaining('- proxy-error (1 flow): '),
    ]);
    expect(r?.stdout).toContain(`SOCKS5 evil¦'x'=1 <b>&"]]>\\u202e:1080`);
  });
});
