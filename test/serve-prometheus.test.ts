// The exporter scraped by the real engine: Debian's Prometheus and `emaint-egress serve`
// inside a namespace site (dnsmasq answering the catalogue's names with namespace
// addresses, TLS servers, an inspecting one on the client-certificate host, dropped and
// refused flows, tinyproxy with Basic authentication). The series Prometheus stored are
// compared with `check --json` of the same profile in the same site. No traffic leaves it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuerText } from '../src/core/check/metrics.js';
import { plan } from '../src/core/planner.js';
import { catalogue } from './helpers/catalogue.js';
import type { JsonOut, JsonResult } from './helpers/check-json.js';
import { CheckSite, siteHosts } from './helpers/check-site.js';
import { parseExposition } from './helpers/exposition.js';
import { type NsProcess, Prometheus, type Series, nsGet, shippedConfig, startExporterIn } from './helpers/prometheus.js';
import { requireSystem } from './helpers/system.js';

const ok = requireSystem('the exporter scraped by Prometheus in a namespace site', ['ip', 'iptables', 'dnsmasq', 'openssl', 'tinyproxy', 'prometheus'], {
  netns: true,
});

const full = plan(catalogue, { agents: catalogue.agents.map((a) => a.id), options: ['cca-activation'] });
const IOT = 'a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com';
const host = (i: number) => full.hosts[i] ?? '';
const [GDLP, CAM_EC1, CAMAPI, CAMAPI_EC1, CAMAPIS] = [3, 4, 5, 6, 7].map(host) as [string, string, string, string, string];
const PASSWORD = 'Exp0rter-secret.pw';
// Scraped every 4 s with a 4 s timeout and a 200 ms offset: 950 ms per phase direct, 760 through the
// proxy. Shorter phases make a loaded machine's TLS handshakes (two profiles, 44 flows at once,
// tinyproxy's threads) miss them, and the comparison with check would be about the machine.
const SCRAPE_S = 4;
const OFFSET_MS = 200;
const flowKey = (m: Record<string, string | number | undefined>) => `${m['host']}:${m['port']}`;

describe.skipIf(!ok)('serve: Prometheus scrapes the exporter at a site where flows are dropped, refused and inspected', () => {
  let site: CheckSite;
  let exporter: NsProcess;
  let prometheus: Prometheus;
  const profiles: Record<string, string> = {};

  beforeAll(async () => {
    site = await CheckSite.start({
      ports: [443, 8883],
      missing: [GDLP],
      hosts: siteHosts(full.hosts, (h) =>
        h === IOT
          ? { far: 'inspected' }
          : h === GDLP
            ? { far: 'none' }
            : h === CAM_EC1
              ? { far: 'none' }
              : h === CAMAPI
                ? { drop: true }
                : h === CAMAPI_EC1
                  ? { far: 'inspected' }
                  : h === CAMAPIS
                    ? { far: 'wrong-name' }
                    : {},
      ),
    });
    await site.startProxy(3129, { user: 'fieldeng', password: PASSWORD });
    const dir = join(site.dir, 'profiles');
    mkdirSync(dir);
    const base = { format: 'emaint-egress-profile', version: 1, agents: catalogue.agents.map((a) => a.id), options: ['cca-activation'] };
    profiles['direct'] = join(dir, 'direct.json');
    profiles['proxied'] = join(dir, 'proxied.json');
    writeFileSync(profiles['direct'], JSON.stringify({ ...base, dnsServer: '127.0.0.1' }));
    writeFileSync(profiles['proxied'], JSON.stringify({ ...base, dnsServer: '127.0.0.1', proxy: 'http://fieldeng@127.0.0.1:3129' }));
    const env = { NODE_EXTRA_CA_CERTS: site.pki.caFile, EMAINT_PROXY_PASSWORD: PASSWORD };
    exporter = await startExporterIn(
      site.ns,
      ['--profiles', dir, '--listen', '127.0.0.1:9798', '--timeout-offset', String(OFFSET_MS)],
      join(site.dir, 'exporter.log'),
      env,
    );
    // The shipped central config, its relabelling and its alerting rules, scraping every 4 s.
    const config = shippedConfig(site.dir, SCRAPE_S);
    mkdirSync(join(site.dir, 'sites'));
    writeFileSync(
      join(site.dir, 'sites', 'test.yml'),
      ['direct', 'proxied'].map((name) => `- targets: ['127.0.0.1:9798']\n  labels:\n    site: ${name}\n    partner: test\n`).join(''),
    );
    prometheus = await Prometheus.start(site.ns, config, site.dir);
    // Two scrapes of each profile stored: the series below are from a finished probe.
    await prometheus.waitFor('count_over_time(emaint_egress_probe_success[1m])', (v) => v.length === 2 && v.every((s) => s.value >= 2), 60_000);
  }, 120_000);

  afterAll(async () => {
    await prometheus?.process.stop();
    const code = await exporter?.stop();
    await site?.close();
    // SIGTERM ends the exporter cleanly even after it served Prometheus.
    expect(code).toBe(0);
  });

  /** check --json of the same profile in the same site, with the phase timeout the exporter used. */
  function checkOf(name: string, phaseSeconds: number): JsonOut {
    const r = site.run(['check', '--profile', profiles[name] ?? '', '--timeout', String(Math.round(phaseSeconds * 1000)), '--json'], {
      EMAINT_PROXY_PASSWORD: PASSWORD,
    });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as JsonOut;
  }

  const of = (series: Series[], name: string) => series.filter((s) => s.metric['site'] === name);

  describe.each(['direct', 'proxied'])('profile %s', (name) => {
    let out: JsonOut;
    let byFlow: Map<string, JsonResult>;
    beforeAll(() => {
      const phase = of(prometheus.query('emaint_egress_probe_phase_timeout_seconds'), name)[0]?.value ?? 0;
      expect(phase).toBe(name === 'direct' ? 0.95 : 0.76);
      out = checkOf(name, phase);
      byFlow = new Map(out.results.map((r) => [flowKey(r as unknown as Record<string, string>), r]));
      expect(out.results).toHaveLength(full.flows.length);
    });

    it('scrapes are up and end within the scrape timeout', () => {
      const up = prometheus.query(`up{job="emaint-egress",site="${name}"}`);
      expect(up.map((s) => s.value)).toEqual([1]);
      const took = prometheus.query(`scrape_duration_seconds{job="emaint-egress",site="${name}"}`)[0]?.value ?? 99;
      expect(took).toBeLessThan(SCRAPE_S);
    });

    it("each flow's status series is the status check --json gives it", () => {
      const status = of(prometheus.query('emaint_egress_flow_status == 1'), name);
      expect(new Map(status.map((s) => [flowKey(s.metric), s.metric['status']]))).toEqual(new Map(out.results.map((r) => [`${r.host}:${r.port}`, r.status])));
      // Exactly one status per flow, out of the fixed set.
      expect(of(prometheus.query('count by (site, host, port) (emaint_egress_flow_status)'), name).map((s) => s.value)).toEqual(
        Array(full.flows.length).fill(8),
      );
      const success = of(prometheus.query('emaint_egress_flow_success'), name);
      expect(new Map(success.map((s) => [flowKey(s.metric), s.value]))).toEqual(
        new Map(out.results.map((r) => [`${r.host}:${r.port}`, r.status === 'ok' ? 1 : 0])),
      );
    });

    it('the run: flows ok and failed and success as the summary says', () => {
      const flows = of(prometheus.query('emaint_egress_probe_flows'), name);
      expect(new Map(flows.map((s) => [s.metric['result'], s.value]))).toEqual(
        new Map([
          ['ok', out.summary.ok],
          ['failed', out.summary.failed],
        ]),
      );
      expect(out.summary.failed).toBeGreaterThan(0);
      expect(of(prometheus.query('emaint_egress_probe_success'), name).map((s) => s.value)).toEqual([0]);
    });

    it('inspection on the flows check calls tls-untrusted, with the issuer check names, and the client-certificate host marked', () => {
      const inspected = of(prometheus.query('emaint_egress_flow_tls_inspected == 1'), name);
      const expected = out.results.filter((r) => r.status === 'tls-untrusted');
      expect(expected.map((r) => r.host)).toContain(IOT);
      expect(new Map(inspected.map((s) => [flowKey(s.metric), s.metric['issuer']]))).toEqual(
        new Map(expected.map((r) => [`${r.host}:${r.port}`, issuerText(r.issuer ?? '')])),
      );
      expect(new Set(inspected.filter((s) => s.metric['client_certificate'] === 'true').map((s) => s.metric['host']))).toEqual(new Set([IOT]));
    });

    it('certificate notAfter as the timestamp check reports; phase durations for the phases check timed', () => {
      const notAfter = of(prometheus.query('emaint_egress_flow_certificate_not_after_timestamp_seconds'), name);
      expect(new Map(notAfter.map((s) => [flowKey(s.metric), s.value]))).toEqual(
        new Map(out.results.filter((r) => r.expires !== null).map((r) => [`${r.host}:${r.port}`, Date.parse(r.expires ?? '') / 1000])),
      );
      const durations = of(prometheus.query('emaint_egress_flow_duration_seconds'), name);
      const timed = out.results.flatMap((r) =>
        (['dns', 'connect', 'tls'] as const).filter((p) => r.timings[p] !== null).map((p) => `${r.host}:${r.port}:${p}`),
      );
      expect(new Set(durations.map((s) => `${flowKey(s.metric)}:${s.metric['phase']}`))).toEqual(new Set(timed));
      // A dropped flow waits one phase timeout at connect, in seconds.
      const dropped = durations.find((s) => s.metric['host'] === CAMAPI && s.metric['phase'] === 'connect');
      if (name === 'direct') expect(dropped?.value).toBeGreaterThanOrEqual(0.94);
      expect(byFlow.get(`${CAMAPI}:443`)?.status).toBe(name === 'direct' ? 'timeout' : 'proxy-error');
    });
  });

  it("the exporter's own metrics: probes counted per profile, build and catalogue info, no password anywhere", () => {
    // Both sites' exporter targets are the same exporter: each profile's counter, once per target.
    const probes = prometheus.query('emaint_egress_exporter_probes_total{site="direct"}');
    expect(new Set(probes.map((s) => s.metric['profile']))).toEqual(new Set(['direct', 'proxied']));
    expect(probes.every((s) => s.value >= 2)).toBe(true);
    expect(new Set(prometheus.query('emaint_egress_catalogue_info').map((s) => s.metric['version']))).toEqual(new Set([catalogue.version]));
    const labels = prometheus.api('/api/v1/labels');
    const values = (['issuer', 'profile', 'host', 'status'] as const).map((l) => prometheus.api(`/api/v1/label/${l}/values`));
    expect(JSON.stringify([labels, values])).not.toContain(PASSWORD);
    expect(exporter.log()).not.toContain(PASSWORD);
    // One log line per probe: the count the exporter has now lies between the lines logged before and after asking it.
    const logged = () =>
      exporter
        .log()
        .split('\n')
        .filter((l) => / msg=probe profile=(direct|proxied) result=(ok|failed) /.test(l)).length;
    const before = logged();
    const now = parseExposition(nsGet(site.ns, 'http://127.0.0.1:9798/metrics'))
      .filter((s) => s.name === 'emaint_egress_exporter_probes_total')
      .reduce((n, s) => n + s.value, 0);
    const after = logged();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(after);
  });

  it('the shipped rules, evaluated by the engine: inspection on the client-certificate host fires; failing flows are pending', async () => {
    const firing = await prometheus.waitFor(
      'ALERTS{alertname="EmaintEgressClientCertificateHostInspected",alertstate="firing"}',
      (v) => new Set(v.map((s) => s.metric['site'])).size === 2,
    );
    expect(new Set(firing.map((s) => `${s.metric['site']} ${s.metric['host']}:${s.metric['port']} ${s.metric['severity']}`))).toEqual(
      new Set(['direct', 'proxied'].flatMap((site) => [`${site} ${IOT}:443 critical`, `${site} ${IOT}:8883 critical`])),
    );
    expect(new Set(firing.map((s) => s.metric['issuer']))).toEqual(new Set([`${site.pki.inspectionIssuer}, emaint-egress tests`]));
    // Flow down waits 10 minutes: the failing flows are pending, and only they.
    const pending = prometheus.query('ALERTS{alertname="EmaintEgressFlowDown",alertstate="pending",site="direct"}');
    const failing = checkOf('direct', 0.95).results.filter((r) => r.status !== 'ok');
    expect(new Set(pending.map((s) => flowKey(s.metric)))).toEqual(new Set(failing.map((r) => `${r.host}:${r.port}`)));
    expect(prometheus.query('ALERTS{alertname=~"EmaintEgressProbeMissing|EmaintEgressProbeStale"}')).toEqual([]);
  });
});
