// What one probe of the whole catalogue costs the exporter (`emaint-egress serve`), side by
// side with Debian's prometheus-blackbox-exporter probing the same 22 host:port pairs with
// its tcp prober and TLS (a module like its tcp_connect with tls: true, the site's CA), on
// the same namespace site: CPU time, peak RSS and wall time, and the ratios. Both run as
// long-lived servers in the namespace, asked over HTTP as Prometheus would ask them; the
// numbers come from /proc (utime+stime of all threads; VmHWM after resetting it through
// clear_refs). Also the size of a probe's answer, for sizing a central Prometheus.
// No traffic leaves the namespace.
//   npm run bench
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { plan } from '../../src/core/planner.js';
import { catalogue } from '../helpers/catalogue.js';
import { CheckSite, siteHosts } from '../helpers/check-site.js';
import { parseExposition } from '../helpers/exposition.js';
import { NsProcess, startExporterIn } from '../helpers/prometheus.js';
import { requireSystem } from '../helpers/system.js';

const ok = requireSystem('exporter cost benchmark', ['ip', 'iptables', 'dnsmasq', 'openssl', 'prometheus-blackbox-exporter'], { netns: true });
const full = plan(catalogue, { agents: catalogue.agents.map((a) => a.id), options: ['cca-activation'] });
const IOT = 'a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com';
/** Prometheus's default scrape_timeout, as the header says it; the exporter's phase timeout follows. */
const SCRAPE_S = 10;
const PHASE_MS = (SCRAPE_S * 1000 - 500) / 4;
const RUNS = 5;
const TICK_MS = 1000 / 100;

interface Cost {
  cpuMs: number;
  peakRssMiB: number;
  idleRssMiB: number;
  wallMs: number;
}

/** CPU time of all the process's threads, ms (utime + stime, in clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

function statusKiB(pid: number, key: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? Number.NaN);
}

/** Runs `urls` at once from inside the namespace; wall time of the batch and each body. */
function fetchAll(site: CheckSite, urls: readonly string[]): { wallMs: number; bodies: string[] } {
  const script = `
    const urls = JSON.parse(process.argv[1]);
    const t = performance.now();
    Promise.all(urls.map((u) => fetch(u, { headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '${SCRAPE_S}' } }).then((r) => r.text())))
      .then((bodies) => process.stdout.write(JSON.stringify({ wallMs: performance.now() - t, bodies })));`;
  const r = site.node(['-e', script, JSON.stringify(urls)]);
  if (r.code !== 0) throw new Error(`fetch failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { wallMs: number; bodies: string[] };
}

/** One warm-up, then RUNS probes: mean CPU, median wall, peak RSS over the measured runs. */
function measure(site: CheckSite, pid: number, urls: readonly string[], check: (bodies: string[]) => void): Cost {
  check(fetchAll(site, urls).bodies);
  const idle = statusKiB(pid, 'VmRSS');
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
  const cpu0 = cpuMs(pid);
  const walls: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const { wallMs, bodies } = fetchAll(site, urls);
    check(bodies);
    walls.push(wallMs);
  }
  walls.sort((a, b) => a - b);
  return {
    cpuMs: (cpuMs(pid) - cpu0) / RUNS,
    peakRssMiB: statusKiB(pid, 'VmHWM') / 1024,
    idleRssMiB: idle / 1024,
    wallMs: walls[Math.floor(RUNS / 2)] ?? Number.NaN,
  };
}

/** Hosts with one flow each, every third one, until `count` flows are dropped. */
function dropped(count: number): Set<string> {
  const single = full.hosts.filter((h) => full.flows.filter((f) => f.host === h).length === 1);
  return new Set(single.filter((_, i) => i % 3 === 1).slice(0, count));
}

async function compare(drop: Set<string>): Promise<void> {
  const hosts = siteHosts(full.hosts, (h) => ({ drop: drop.has(h), ...(h === IOT ? { alpn: ['x-amzn-mqtt-ca'] } : {}) }));
  const site = await CheckSite.start({ ports: [443, 8883], hosts });
  let exporter: NsProcess | null = null;
  let blackbox: NsProcess | null = null;
  try {
    const profile = join(site.dir, 'site.json');
    writeFileSync(
      profile,
      JSON.stringify({
        format: 'emaint-egress-profile',
        version: 1,
        agents: catalogue.agents.map((a) => a.id),
        options: ['cca-activation'],
        dnsServer: '127.0.0.1',
      }),
    );
    exporter = await startExporterIn(site.ns, ['--profile', profile, '--listen', '127.0.0.1:9798'], join(site.dir, 'exporter.log'), {
      NODE_EXTRA_CA_CERTS: site.pki.caFile,
    });
    const config = join(site.dir, 'blackbox.yml');
    writeFileSync(
      config,
      [
        'modules:',
        '  tls:',
        '    prober: tcp',
        `    timeout: ${PHASE_MS}ms`,
        '    tcp:',
        '      tls: true',
        '      preferred_ip_protocol: ip4',
        '      ip_protocol_fallback: false',
        '      tls_config:',
        `        ca_file: ${site.pki.caFile}`,
        '',
      ].join('\n'),
    );
    blackbox = await NsProcess.start(
      site.ns,
      ['prometheus-blackbox-exporter', `--config.file=${config}`, '--web.listen-address=127.0.0.1:9115'],
      join(site.dir, 'blackbox.log'),
      /Listening on/,
    );
    const failing = full.flows.filter((f) => drop.has(f.host)).length;
    let seriesPerProbe = 0;
    let bytesPerProbe = 0;
    const ours = measure(site, exporter.child.pid ?? 0, ['http://127.0.0.1:9798/probe?profile=site'], ([body = '']) => {
      const failed = parseExposition(body).find((s) => s.name === 'emaint_egress_probe_flows' && s.labels['result'] === 'failed')?.value;
      if (failed !== failing) throw new Error(`exporter: expected ${failing} failed flows, got ${failed}`);
      seriesPerProbe = parseExposition(body).length;
      bytesPerProbe = Buffer.byteLength(body);
    });
    const targets = full.flows.map((f) => `http://127.0.0.1:9115/probe?module=tls&target=${encodeURIComponent(`${f.host}:${f.port}`)}`);
    const theirs = measure(site, blackbox.child.pid ?? 0, targets, (bodies) => {
      const down = bodies.filter((b) => parseExposition(b).find((s) => s.name === 'probe_success')?.value !== 1).length;
      if (down !== failing) throw new Error(`blackbox: expected ${failing} failed probes, got ${down}`);
    });
    const ownSeries = parseExposition(exporter ? await ownMetrics(site) : '').length;
    const row = (what: string, a: string, b: string, ratio: number) => `  ${what.padEnd(22)}${a.padEnd(24)}${b.padEnd(34)}${ratio.toFixed(1)} x`;
    console.log(
      [
        `exporter cost, whole catalogue: ${full.flows.length} flows, ${failing} dropped; scrape timeout ${SCRAPE_S} s (phase timeout ${PHASE_MS} ms; blackbox module timeout the same)`,
        `  ${''.padEnd(22)}${'emaint-egress serve'.padEnd(24)}${`blackbox_exporter (${full.flows.length} probes)`.padEnd(34)}ratio`,
        row('CPU per probe', `${ours.cpuMs.toFixed(0)} ms`, `${theirs.cpuMs.toFixed(0)} ms`, ours.cpuMs / theirs.cpuMs),
        row('peak RSS', `${ours.peakRssMiB.toFixed(0)} MiB`, `${theirs.peakRssMiB.toFixed(0)} MiB`, ours.peakRssMiB / theirs.peakRssMiB),
        row('idle RSS', `${ours.idleRssMiB.toFixed(0)} MiB`, `${theirs.idleRssMiB.toFixed(0)} MiB`, ours.idleRssMiB / theirs.idleRssMiB),
        row(
          'wall per probe',
          `${(ours.wallMs / 1000).toFixed(2)} s`,
          `${(theirs.wallMs / 1000).toFixed(2)} s (all ${full.flows.length} at once)`,
          ours.wallMs / theirs.wallMs,
        ),
        `  one probe's answer: ${seriesPerProbe} series, ${(bytesPerProbe / 1024).toFixed(1)} KiB; the exporter's /metrics: ${ownSeries} series`,
        `  (CPU: mean of ${RUNS} after a warm-up, 10 ms ticks; wall: median of ${RUNS}, from the request to the last byte)`,
      ].join('\n'),
    );
  } finally {
    await blackbox?.stop();
    await exporter?.stop();
    await site.close();
  }
}

async function ownMetrics(site: CheckSite): Promise<string> {
  return fetchAll(site, ['http://127.0.0.1:9798/metrics']).bodies[0] ?? '';
}

describe.skipIf(!ok)('exporter cost against blackbox_exporter', () => {
  it('every flow gets out', async () => {
    await compare(new Set());
  });
  it('a third of the flows dropped', async () => {
    await compare(dropped(7));
  });
});
