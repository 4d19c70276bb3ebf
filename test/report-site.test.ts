// The report on real data: saved runs from checks against a site in a network namespace
// (test/helpers/check-site.ts: dnsmasq, TLS servers with openssl-made certificates, iptables,
// Squid inspecting TLS, a PAC file), reported as HTML and Markdown. What the report says is
// compared with the runs themselves: the verdict, the changes by owner, one row per flow, the
// allow-list, the rules folder's hashes, the fleet's recurring causes and what changed since
// an earlier run. The CLI checks inside the namespace; no traffic leaves it.
//
// UPDATE_REPORT_FIXTURES=1 also copies the runs to test/fixtures/report/ (paths and the host
// name normalised) for the golden and browser tests.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopOf } from '../src/core/report/path.js';
import { ownerOf } from '../src/core/report/owners.js';
import { plan } from '../src/core/planner.js';
import { diffRuns } from '../src/core/run-diff.js';
import type { SavedRun } from '../src/core/saved-run.js';
import { readRun } from '../src/io/run-file.js';
import { catalogue } from './helpers/catalogue.js';
import { CheckSite, siteHosts } from './helpers/check-site.js';
import { type CliResult, cli } from './helpers/cli.js';
import { startDnsmasq } from './helpers/dnsmasq.js';
import { htmlCount, htmlTexts, htmlXpath } from './helpers/html-dom.js';
import { requireSystem } from './helpers/system.js';
import { tempDirs } from './helpers/tmp.js';

const ok = requireSystem('the report from checks against a site in a namespace', ['ip', 'iptables', 'ip6tables', 'dnsmasq', 'openssl', 'squid', 'xmllint'], {
  netns: true,
});

const FIXTURES = fileURLToPath(new URL('./fixtures/report/', import.meta.url));
const tmp = tempDirs('ee-report-site-');
const AGENTS = ['cca', 'cdca-v2'];
const planned = plan(catalogue, { agents: AGENTS });
const host = (prefix: string) => planned.hosts.find((h) => h.startsWith(prefix)) as string;
const IOT = host('a2etju7iem1tgc-ats.');
const DROPPED = host('camapi-ec1.');
const GDLP = host('gdlp01.');
const SITE_HOST = 'fw.canon-regional.example';
const ENDPOINT = { host: SITE_HOST, ports: [443, 8443], reason: 'regional firmware server', requestedBy: 'J. Jansen, Canon NL' };
// The IoT endpoint accepts the ALPN the devices offer on 443, as AWS IoT does.
const hosts = siteHosts([...planned.hosts, SITE_HOST], (h) => (h.startsWith('a2etju7iem1tgc-ats.') ? { alpn: ['x-amzn-mqtt-ca'] } : {}));
const addressOf = (h: string) => hosts.get(h)?.v4 ?? '';
/** The customer's PAC file sends the IoT endpoint through the inspecting Squid. */
const PAC = `function FindProxyForURL(url, host) {
  if (dnsDomainIs(host, ".iot.eu-central-1.amazonaws.com")) return "PROXY 127.0.0.1:3129";
  return "DIRECT";
}`;
/** Markup, quotes and an ampersand where a site name and a PAC answer go. */
const HOSTILE_SITE = `ACME </title><script>alert("site")</script><img src=x onerror=alert(1)> & 'Co'`;
const HOSTILE_PAC = `function FindProxyForURL(url, host) {
  if (host === "${DROPPED}") return "SOCKS5 <img src=x onerror=alert(2)>&amp\\"x\\":1080";
  return "DIRECT";
}`;

describe.skipIf(!ok)('report: saved runs of a real site as HTML and Markdown', () => {
  let site: CheckSite;
  let reference: { port: number; stop(): Promise<void> } | undefined;
  let eindhoven: { port: number; stop(): Promise<void> } | undefined;
  const dir = tmp();
  const path = (name: string) => join(dir, name);
  const checks = new Map<string, CliResult>();
  const run = (name: string): SavedRun => readRun(path(`${name}.json`));
  const rulesDir = path('rules');

  beforeAll(async () => {
    site = await CheckSite.start({ ports: [443, 8883, 8443], hosts });
    await site.startSquid({ port: 3129, bump: true });
    // Eindhoven's resolver knows every host but one; the reference network's knows them all.
    const answers = new Map([...hosts].map(([h, s]) => [h, s.v4]));
    eindhoven = await startDnsmasq({ addresses: new Map([...answers].filter(([h]) => h !== GDLP)), netns: site.ns, extra: [`--local=/${GDLP}/`] });
    reference = await startDnsmasq({ addresses: answers, netns: site.ns });
    const profile = (name: string, siteName: string) => {
      const file = path(name);
      writeFileSync(file, JSON.stringify({ format: 'emaint-egress-profile', version: 1, site: siteName, agents: AGENTS, endpoints: [ENDPOINT] }));
      return file;
    };
    const utrecht = profile('utrecht-profile.json', 'ACME Utrecht');
    const check = (name: string, prof: string, ...args: string[]) => {
      checks.set(name, site.run(['check', '--profile', prof, '--timeout', '1000', '--save', path(`${name}.json`), ...args]));
    };
    writeFileSync(path('customer.pac'), PAC);
    writeFileSync(path('hostile.pac'), HOSTILE_PAC);
    check('earlier', utrecht);
    // Then the firewall starts dropping one host, and the IoT endpoint goes through the inspecting proxy.
    site.ns.exec('iptables', ['-A', 'OUTPUT', '-d', addressOf(DROPPED), '-p', 'tcp', '-j', 'DROP']);
    check('customer', utrecht, '--pac', path('customer.pac'));
    check('eindhoven', profile('eindhoven-profile.json', 'ACME Eindhoven'), '--dns-server', `127.0.0.1:${eindhoven.port}`);
    check('hostile', profile('hostile-profile.json', HOSTILE_SITE), '--pac', path('hostile.pac'));
    site.ns.exec('iptables', ['-D', 'OUTPUT', '-d', addressOf(DROPPED), '-p', 'tcp', '-j', 'DROP']);
    check('reference', utrecht, '--dns-server', `127.0.0.1:${reference.port}`);
    // The rules for the same agents and endpoint, as the site would apply them.
    for (const args of [
      ['--target', 'nftables'],
      ['--target', 'pac', '--proxy', '127.0.0.1:3128'],
    ]) {
      const rendered = await cli('render', '--profile', utrecht, ...args, '--out', rulesDir);
      expect(rendered.stderr).toBe('');
    }
    if (process.env['UPDATE_REPORT_FIXTURES']) writeFixtures(dir);
  }, 120_000);
  afterAll(async () => {
    await eindhoven?.stop();
    await reference?.stop();
    await site?.close();
  });

  it('the checks ran as the site is set up: each run saved, the customer and Eindhoven fail, the reference gets out', () => {
    expect([...checks].map(([name, r]) => [name, r.code, r.stderr.replace(/^note: run saved to .*\n/, '')])).toEqual([
      ['earlier', 0, ''],
      ['customer', 1, ''],
      ['eindhoven', 1, ''],
      ['hostile', 1, ''],
      ['reference', 0, ''],
    ]);
    const status = (name: string) => Object.fromEntries(run(name).flows.flatMap((f) => (f.status === 'ok' ? [] : [[`${f.host}:${f.port}`, f.status]])));
    expect(status('customer')).toEqual({ [`${IOT}:443`]: 'tls-untrusted', [`${IOT}:8883`]: 'tls-untrusted', [`${DROPPED}:443`]: 'timeout' });
    expect(status('eindhoven')).toEqual({ [`${GDLP}:443`]: 'dns-error', [`${DROPPED}:443`]: 'timeout' });
    expect(run('reference').summary.failed).toBe(0);
  });

  it('HTML: the summary first, with the verdict and the changes by owner; one row per flow in the picture and the table', async () => {
    const r = await cli('report', '--run', path('customer.json'), '--rules', rulesDir, '--out', path('report.html'));
    const customer = run('customer');
    const verdict = `${customer.summary.ok} of ${customer.summary.total} flows get out; ${customer.summary.failed} need changes`;
    expect(r).toEqual({ code: 0, stdout: `Wrote ${path('report.html')} (HTML):\n  ACME Utrecht: ${verdict}\n`, stderr: '' });
    expect(verdict).toBe('14 of 17 flows get out; 3 need changes');
    const html = readFileSync(path('report.html'), 'utf8');
    // The sections, in order, the summary first.
    expect(htmlTexts(html, '//section[@class="site"]/section/h3|//section[@class="site"]/h2|//section[@id="rules"]/h2')).toEqual([
      'ACME Utrecht',
      'Summary',
      'Path',
      'Flows',
      'Allow-list',
      'Provenance',
      'Rules files',
    ]);
    expect(htmlXpath(html, 'string(//p[contains(@class,"verdict")])')).toBe(verdict);
    // Changes by owner: each cause of the run under the owner of its verdict, its flows named.
    const owners = htmlTexts(html, '//section[@class="owner"]/h5');
    expect(owners).toEqual(['Firewall', 'TLS inspection']);
    for (const c of customer.summary.causes) {
      const owner = ownerOf(c.status as Exclude<typeof c.status, 'ok'>);
      const items = htmlTexts(html, `//section[@data-owner="${owner}"]//li`);
      expect(items.some((i) => i.includes(c.fix) && c.flows.every((f) => i.includes(f)))).toBe(true);
    }
    expect(htmlTexts(html, '//section[@data-owner="firewall"]//li').join()).toContain(`allow tcp/443 to ${DROPPED} on the firewall`);
    // The picture: one line per flow, stopping where its verdict says.
    const rows = htmlCount(html, '//svg//*[@class="flow"]');
    expect(rows).toBe(customer.flows.length);
    for (const [i, f] of customer.flows.entries()) {
      const g = `(//svg//*[@class="flow"])[${i + 1}]`;
      expect([htmlXpath(html, `string(${g}/@data-status)`), htmlXpath(html, `string(${g}/@data-stop)`)]).toEqual([f.status, stopOf(f.status)]);
    }
    expect(htmlXpath(html, 'string(//*[@data-stage="gateway"])')).toContain('Firewall / proxy');
    // The flow table: the run's flows in its order, with verdict, issuer and expiry.
    const table = '//table[@class="flow-table"]/tbody/tr';
    expect(htmlTexts(html, `${table}/td[1]`)).toEqual(customer.flows.map((f) => f.host));
    expect(htmlTexts(html, `${table}/@data-status`)).toEqual(customer.flows.map((f) => f.status));
    const inspected = customer.flows.findIndex((f) => f.host === IOT);
    expect(htmlXpath(html, `string((${table})[${inspected + 1}]/td[8])`)).toContain(customer.flows[inspected]?.issuer ?? 'missing');
    expect(customer.flows[inspected]?.issuer).toMatch(/Squid Inspection CA/);
    // Ports the document does not state are marked in the table and the provenance.
    const assumed = customer.flows.filter((f) => !f.portStated).map((f) => f.host);
    expect(assumed.length).toBeGreaterThan(0);
    expect(htmlTexts(html, `${table}[td[2]/abbr]/td[1]`)).toEqual(assumed);
    expect(htmlTexts(html, '//table[@class="provenance-table"]/tbody/tr[contains(td[2],"assumed")]/td[1]')).toEqual(assumed);
    expect(htmlXpath(html, 'string(//table[@class="provenance-table"]/tbody/tr[td[1]="fw.canon-regional.example"][1]/td[3])')).toContain(
      "Site-specific, not in Canon's documents: regional firmware server (asked by J. Jansen, Canon NL)",
    );
  });

  it('HTML: the allow-list, exact and wildcard with its risks, and the rules folder with each file’s SHA-256', () => {
    const html = readFileSync(path('report.html'), 'utf8');
    const customer = run('customer');
    expect(htmlTexts(html, '//table[@class="allow-exact"]/tbody/tr/td[1]')).toEqual(customer.flows.map((f) => f.host));
    expect(htmlTexts(html, '//table[@class="allow-exact"]/tbody/tr[starts-with(td[4],"fails now")]/td[1]').sort()).toEqual([DROPPED, IOT, IOT].sort());
    const wildcards = htmlTexts(html, '//table[@class="allow-wildcard"]/tbody/tr[@class="wildcard"]/td[1]');
    expect(wildcards).toEqual(['*.amazonaws.com', '*.srv.ygles.com']);
    // 8883 stays with its host, as do the host no wildcard covers and the site endpoint.
    expect(htmlTexts(html, '//table[@class="allow-wildcard"]/tbody/tr[@class="host"]/td[1]')).toEqual([IOT, GDLP, SITE_HOST, SITE_HOST]);
    expect(htmlTexts(html, '//ul[@class="risks"]/li').join('\n')).toMatch(/amazonaws\.com.*AWS/);
    const names = readdirSync(rulesDir).sort();
    expect(htmlTexts(html, '//table[@id="rules-files"]/tbody/tr/td[1]')).toEqual(names);
    expect(htmlTexts(html, '//table[@id="rules-files"]/tbody/tr/td[4]')).toEqual(
      names.map((n) =>
        createHash('sha256')
          .update(readFileSync(join(rulesDir, n)))
          .digest('hex'),
      ),
    );
    expect(htmlTexts(html, '//table[@id="rules-files"]/tbody/tr/td[2]')).toEqual(names.map((n) => (n.endsWith('.pac') ? 'pac' : 'nftables')));
    expect(htmlXpath(html, 'string(//table[@id="rules-files"]/tbody/tr[td[1]="emaint-egress.nft"]/td[6])')).toBe('nft -f emaint-egress.nft');
    expect(htmlXpath(html, 'string(//table[@id="rules-files"]/tbody/tr[td[1]="emaint-egress.nft"]/td[5])')).toMatch(
      /^catalogue 1\.0\.0; cca, cdca-v2; exact; site ACME Utrecht; \d{4}-\d\d-\d\d \d\d:\d\d UTC$/,
    );
  });

  it('Markdown: the same sections, the picture as a table, the same verdicts', async () => {
    const r = await cli('report', '--run', path('customer.json'), '--rules', rulesDir, '--format', 'md');
    expect(r.code).toBe(0);
    const md = r.stdout;
    const headings = md.split('\n').filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      '# eMaintenance egress report: ACME Utrecht',
      '## ACME Utrecht',
      '### Summary',
      '#### Changes to make',
      '##### Firewall',
      '##### TLS inspection',
      // The namespace's hosts answer with loopback addresses; the PAC file is noted.
      '#### Warnings',
      '#### Notes',
      '### Path',
      '### Flows',
      '### Allow-list',
      '#### Exact host names (least privilege)',
      '#### Vendor wildcards, and their risks',
      '### Provenance',
      '## Rules files',
    ]);
    const customer = run('customer');
    const section = (title: string) => md.slice(md.indexOf(title), md.indexOf('\n### ', md.indexOf(title) + 1));
    const rows = (text: string) => text.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'));
    // One row per flow (and the header) in the path and flow tables.
    expect(rows(section('### Path'))).toHaveLength(customer.flows.length + 1);
    expect(rows(section('### Flows'))).toHaveLength(customer.flows.length + 1);
    const picture = rows(section('### Path')).slice(1);
    for (const [i, f] of customer.flows.entries()) expect(picture[i]).toMatch(new RegExp(`\\| ${f.status} \\|$`));
    expect(picture.find((l) => l.includes(`${DROPPED}:443`))).toBe(`| ${DROPPED}:443 | ✓ | ✓ | ✗ |  | timeout |`);
    expect(md).toContain(`**${customer.summary.ok} of ${customer.summary.total} flows get out; ${customer.summary.failed} need changes**`);
  });

  it('fleet: three networks side by side, the dropped host recurring at two of them', async () => {
    const r = await cli(
      'report',
      '--run',
      path('customer.json'),
      '--run',
      path('eindhoven.json'),
      '--run',
      path('reference.json'),
      '--out',
      path('fleet.html'),
    );
    expect(r.code).toBe(0);
    const html = readFileSync(path('fleet.html'), 'utf8');
    expect(htmlTexts(html, '//table[@id="fleet-sites"]/tbody/tr/td[1]')).toEqual(['ACME Utrecht (customer)', 'ACME Eindhoven', 'ACME Utrecht (reference)']);
    const failing = ['customer', 'eindhoven', 'reference'].map((n) => String(run(n).summary.failed));
    expect(htmlTexts(html, '//table[@id="fleet-sites"]/tbody/tr/td[6]')).toEqual(failing);
    expect(htmlXpath(html, 'string(//table[@id="fleet-causes"]/tbody/tr[1]/td[1])')).toBe('tcp/443 is silently dropped');
    expect(htmlTexts(html, '//table[@id="fleet-causes"]/tbody/tr[@class="recurs"]/td[5]')).toEqual(['ACME Utrecht (customer) (1), ACME Eindhoven (1)']);
    expect(htmlTexts(html, '//table[@id="fleet-causes"]/tbody/tr/td[2]')).toEqual(['Firewall', 'TLS inspection', 'DNS']);
    // A section per site, after the fleet summary.
    expect(htmlTexts(html, '//body/section/@id|//body/section/h2')).toEqual([
      'fleet',
      'Fleet summary',
      'site-1',
      'Site: ACME Utrecht (customer)',
      'site-2',
      'Site: ACME Eindhoven',
      'site-3',
      'Site: ACME Utrecht (reference)',
    ]);
  });

  it('since: what changed between the earlier run and the customer run, as the pure diff says', async () => {
    const r = await cli('report', '--run', path('customer.json'), '--since', path('earlier.json'), '--format', 'html');
    expect(r.code).toBe(0);
    const d = diffRuns(run('earlier'), run('customer'));
    expect(d.broke.length).toBe(3);
    const html = r.stdout;
    expect(htmlXpath(html, 'string(//section[@id="changes"]/h3)')).toMatch(/^What changed since \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    const titled = (t: string) => `//section[@id="changes"]/h4[.="${t}"]/following-sibling::table[1]/tbody/tr`;
    expect(htmlTexts(html, `${titled('Now failing')}/td[1]`)).toEqual(d.broke.map((s) => `${s.host}:${s.port}`));
    expect(htmlTexts(html, `${titled('Now failing')}/td[4]`)).toEqual(d.broke.map((s) => s.to));
    expect(htmlTexts(html, `${titled('Certificate issuer changed (a new TLS inspection CA?)')}/td[3]`)).toEqual(d.issuers.map((i) => i.to));
    expect(htmlTexts(html, `${titled('Settings changed')}/td[1]`)).toEqual(d.settings.map((s) => s.field));
    // Inside the site's section, after its summary.
    expect(htmlTexts(html, '//section[@class="site"]/section/h3').slice(0, 3)).toEqual(['Summary', expect.stringMatching(/^What changed since /), 'Path']);
  });

  it('a hostile site name and PAC answer from a real run stay text: no element, attribute or title is made of them', async () => {
    const hostile = run('hostile');
    const detail = hostile.flows.find((f) => f.host === DROPPED)?.detail ?? '';
    expect(detail).toContain('<img src=x onerror=alert(2)>');
    const r = await cli('report', '--run', path('hostile.json'), '--rules', rulesDir);
    expect(r.code).toBe(0);
    const html = r.stdout;
    expect(htmlCount(html, '//script|//img|//*[@onerror]|//iframe|//object')).toBe(0);
    expect(htmlXpath(html, 'string(//title)')).toBe(`eMaintenance egress report: ${HOSTILE_SITE}`);
    expect(htmlXpath(html, 'string(//h1)')).toBe(`eMaintenance egress report: ${HOSTILE_SITE}`);
    const row = hostile.flows.findIndex((f) => f.host === DROPPED) + 1;
    expect(htmlXpath(html, `string((//table[@class="flow-table"]/tbody/tr)[${row}]/td[10]/text()[1])`)).toBe(detail);
    expect(htmlXpath(html, 'string(//meta[@http-equiv="Content-Security-Policy"]/@content)')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    );
    const md = (await cli('report', '--run', path('hostile.json'), '--format', 'md')).stdout;
    // Every < of the hostile text comes backslash-escaped: Markdown shows it, never reads it as HTML.
    expect(md).not.toMatch(/(^|[^\\])<(script|img|\/title)/m);
    expect(md).toContain('\\<img src=x onerror=alert(2)\\>\\&amp');
  });

  it('refuses to replace a report without --force, and replaces it with', async () => {
    const before = readFileSync(path('report.html'), 'utf8');
    const r = await cli('report', '--run', path('reference.json'), '--out', path('report.html'));
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe(`emaint-egress report: ${path('report.html')} already exists; pass --force to replace\n`);
    expect(readFileSync(path('report.html'), 'utf8')).toBe(before);
    expect((await cli('report', '--run', path('reference.json'), '--out', path('report.html'), '--force')).code).toBe(0);
    expect(readFileSync(path('report.html'), 'utf8')).toContain('All 17 flows get out; nothing to change');
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
  });
});

/** The runs as fixtures: the temporary folder and this machine's name replaced, all else as checked. */
function writeFixtures(dir: string): void {
  mkdirSync(FIXTURES, { recursive: true });
  for (const name of ['earlier', 'customer', 'eindhoven', 'reference', 'hostile']) {
    const text = readFileSync(join(dir, `${name}.json`), 'utf8');
    const run = JSON.parse(text.split(dir).join('/srv/acme')) as SavedRun;
    run.checkedFrom = 'agent-pc-01';
    writeFileSync(join(FIXTURES, `${name}.json`), `${JSON.stringify(run, null, 2)}\n`);
  }
}
