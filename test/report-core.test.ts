// The report's pure parts: who owns each verdict, the one HTML escaping, the rules files it
// knows (checked against what every target really writes), the headers it reads back, the
// verdict line, and what it says when a run was checked with another catalogue.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type RenderRequest, renderTarget } from '../src/commands/render.js';
import { STATUSES } from '../src/core/check/result.js';
import { summarise } from '../src/core/check/summary.js';
import { defaultSite } from '../src/core/render/options.js';
import { type RenderOutput, type Site, TARGETS } from '../src/core/render/target.js';
import { Html, escapeHtml, html } from '../src/core/report/html.js';
import { reportModel } from '../src/core/report/model.js';
import { OWNERS, causeKind, ownerOf } from '../src/core/report/owners.js';
import { RULES_FILES, readHeader, rulesFile } from '../src/core/report/rules-files.js';
import { verdictOf } from '../src/core/report/site.js';
import { parseSiteEndpoints } from '../src/core/site-endpoints.js';
import { HEAD_BYTES } from '../src/io/rules-dir.js';
import { type SavedRun, parseSavedRun } from '../src/core/saved-run.js';
import { parseHostPort, parseSources } from '../src/core/site.js';
import { loadTemplates } from '../src/io/templates.js';
import { catalogue } from './helpers/catalogue.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/report/', import.meta.url));
const fixture = (name: string): SavedRun => parseSavedRun(JSON.parse(readFileSync(`${FIXTURES}${name}.json`, 'utf8')));
const TOOL = { name: 'emaint-egress', version: 'TEST' };
const AT = '2026-11-21T09:00:00.000Z';

describe('owners', () => {
  it('every failing verdict has an owner; each owner is the device its fix names', () => {
    const owners = Object.fromEntries(STATUSES.filter((s) => s !== 'ok').map((s) => [s, ownerOf(s)]));
    expect(owners).toEqual({
      'dns-error': 'dns',
      timeout: 'firewall',
      refused: 'firewall',
      'tls-untrusted': 'tls-inspection',
      'tls-error': 'tls-inspection',
      'proxy-error': 'proxy',
      'local-error': 'this-machine',
    });
    for (const o of Object.values(owners)) expect(OWNERS).toContain(o);
  });

  it('a cause kind names the problem and port: the same kind at two sites is one recurring cause', () => {
    expect(causeKind({ status: 'ok', port: 443 })).toBeNull();
    expect(causeKind({ status: 'timeout', port: 8883 })).toEqual({ key: 'timeout:8883', owner: 'firewall', label: 'tcp/8883 is silently dropped' });
    expect(causeKind({ status: 'dns-error', port: 443, dnsProblem: 'sinkhole' })?.key).toBe('dns-error:sinkhole');
    expect(causeKind({ status: 'proxy-error', port: 443, proxyProblem: 'auth-scheme' })).toMatchObject({
      owner: 'proxy',
      label: 'the proxy offers no Basic authentication',
    });
  });
});

describe('html: the one way to make markup', () => {
  it('escapes the five specials and shows the characters that could reorder text', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    expect(escapeHtml('abc\u202edef\u0000\n')).toBe('abc\\u202edef\\u0000\\u000a');
  });

  it('interpolated text is escaped, markup from the tag is kept, lists are joined, nothing else is markup', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x"'}">${inner}${['<', html`<br>`, 1, null, undefined]}</p>`.markup).toBe(
      '<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&lt;<br>1</p>',
    );
    expect(() => new Html(Symbol('html'), '<script>')).toThrow('Html is made by the html tag only');
    // An object that merely looks like markup is not markup (and not text either).
    expect(html`${{ markup: '<script>' } as unknown as string}`.markup).not.toContain('<script>');
  });
});

/** A site with IPv6 sources too, so the IPv6 files are written, and a PAC proxy. */
const SITE: Site = {
  ...defaultSite({ sources: parseSources('10.0.0.0/24,2001:db8::/64'), label: 'ACME' }),
  proxy: parseHostPort('proxy.example.test:3128', '--proxy'),
};

/** Renders one target for these tests: no lookups, the tool and time fixed. */
function renderFor(req: Omit<RenderRequest, 'resolve' | 'meta' | 'iotPort'>): Promise<RenderOutput> {
  return renderTarget({ ...req, iotPort: 'both', resolve: null, meta: { tool: 'emaint-egress', toolVersion: 'TEST', generatedAt: AT } }, catalogue, {
    templates: (t) => loadTemplates(t),
    resolveHosts: () => Promise.reject(new Error('no lookups')),
  });
}

describe('rules files', () => {
  it('knows every file each target writes, as the target declares it, with its apply line for its defaults', async () => {
    const written = new Map<string, { target: string; apply: string }>();
    const sites: Site[] = [SITE, { ...SITE, pfsenseImport: 'rest-api' }];
    for (const target of TARGETS)
      for (const site of sites) {
        const out = await renderFor({
          agents: ['cca', 'erds'],
          options: [],
          target,
          mode: 'exact',
          site,
        });
        for (const f of out.files) written.set(f.name, { target, apply: f.apply });
      }
    expect(Object.fromEntries([...written].sort())).toEqual(Object.fromEntries([...RULES_FILES].sort()));
  });

  it('reads the header back in each comment style: tool, catalogue, agents, options, mode, time, site', async () => {
    for (const target of ['nftables', 'pac', 'pfsense', 'fortigate'] as const) {
      const out = await renderFor({
        agents: ['erds', 'cca'],
        options: ['cca-activation'],
        target,
        mode: 'wildcard',
        site: SITE,
      });
      const [file] = out.files;
      expect([target, readHeader(file?.content ?? '')]).toEqual([
        target,
        // pfSense cannot take wildcards: its file holds, and says, exact names.
        {
          tool: 'emaint-egress TEST',
          catalogue: '1.0.0',
          agents: ['cca', 'erds'],
          options: ['cca-activation'],
          mode: target === 'pfsense' ? 'exact' : 'wildcard',
          generatedAt: AT,
          site: 'ACME',
          endpoints: [],
        },
      ]);
    }
    // A CSV has no header comments; a file of another tool is not read at all.
    expect(readHeader('host,protocol,port\n')).toBeNull();
    expect(rulesFile({ name: 'notes.txt', bytes: 3, sha256: '0'.repeat(64), head: '# catalogue 1.0.0; agents: cca' })).toMatchObject({
      target: null,
      apply: null,
      header: null,
    });
  });
});

describe('rules headers at their largest', () => {
  it('every file with a header reads back whole from the bytes the report reads: 500 sources, 80 long site endpoints', async () => {
    const sources = parseSources(Array.from({ length: 500 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`).join(','));
    const hosts = Array.from({ length: 80 }, (_, i) => `h${String(i).padStart(2, '0')}-${'x'.repeat(56)}.${'a'.repeat(63)}.${'b'.repeat(63)}.example`);
    const endpoints = parseSiteEndpoints(
      hosts.map((host) => ({ host, ports: [443, 8443, 9000, 9001, 9002, 9003], reason: 'r'.repeat(60), requestedBy: 'q'.repeat(40) })),
      catalogue,
    );
    const site: Site = { ...defaultSite({ sources, label: 'ACME' }), proxy: SITE.proxy };
    let checked = 0;
    for (const target of TARGETS) {
      const out = await renderFor({
        agents: ['cca'],
        options: [],
        endpoints,
        target,
        mode: 'exact',
        site,
      });
      for (const f of out.files) {
        if (f.name.endsWith('.csv')) continue;
        const head = Buffer.from(f.content).subarray(0, HEAD_BYTES).toString('utf8');
        expect([f.name, readHeader(head)]).toEqual([
          f.name,
          { tool: 'emaint-egress TEST', catalogue: '1.0.0', agents: ['cca'], options: [], mode: 'exact', generatedAt: AT, site: 'ACME', endpoints: hosts },
        ]);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(TARGETS.length);
  });
});

describe('the model', () => {
  it('the verdict says what gets out, what needs changes, and what this machine could not try', () => {
    const run = fixture('customer');
    expect(verdictOf(run).text).toBe('14 of 17 flows get out; 3 need changes');
    expect(verdictOf(fixture('reference')).text).toBe('All 17 flows get out; nothing to change');
    const flows = run.flows.map((f, i) => (i === 0 ? { ...f, status: 'local-error' as const, localProblem: 'EMFILE' } : f));
    expect(verdictOf({ ...run, flows, summary: summarise(flows) }).text).toBe('13 of 17 flows get out; 3 need changes; 1 could not be tried from this machine');
    const one = run.flows.slice(7, 8);
    expect(verdictOf({ ...run, flows: one, summary: summarise(one) }).text).toBe('0 of 1 flows get out; 1 needs changes');
  });

  it('a run checked with another catalogue: said so, and the flows this catalogue lacks have no provenance', () => {
    const run = fixture('eindhoven');
    const extra = { ...(run.flows[0] as SavedRun['flows'][number]), host: 'hbp2-ec1l.srv.ygles.com' };
    const flows = [...run.flows, extra];
    const newer: SavedRun = { ...run, catalogue: { ...run.catalogue, version: '1.1.0' }, flows, summary: summarise(flows) };
    const model = reportModel({ tool: TOOL, generatedAt: AT, catalogue, runs: [{ file: 'e.json', run: newer }], since: null, rules: null });
    const [site] = model.sites;
    expect(site?.summary.notes.slice(0, 2)).toEqual([
      'checked with catalogue 1.1.0 (the shipped one); provenance and vendor wildcards here are from catalogue 1.0.0',
      '1 flow is not in catalogue 1.0.0: no provenance for hbp2-ec1l.srv.ygles.com:443',
    ]);
    expect(site?.provenance.at(-1)).toMatchObject({ host: 'hbp2-ec1l.srv.ygles.com', missing: true, cites: [] });
    // Still in the allow-list: what was checked is what the rules must allow, under its vendor wildcard.
    expect(site?.allowList.exact.map((r) => r.name)).toContain('hbp2-ec1l.srv.ygles.com');
    expect(site?.allowList.wildcard.find((r) => r.name === '*.srv.ygles.com')?.hosts).toContain('hbp2-ec1l.srv.ygles.com');
  });

  it('rules for the run’s agents but other options or site endpoints are named; the very same are not', () => {
    const run: SavedRun = { ...fixture('customer'), agents: ['cca', 'erds'], options: ['cca-activation'] };
    const head = (agents: string, endpoints: string) =>
      `# emaint-egress TEST — generated — do not edit by hand\n# catalogue 1.0.0; agents: ${agents}\n# generated: ${AT}\n${endpoints}#\n`;
    const ours = '# site-specific endpoints (not in the Canon catalogue): fw.canon-regional.example\n';
    const files = [
      { name: 'emaint-egress.nft', head: head('cca, erds', ours) },
      { name: 'emaint-egress.pac', head: head('cca, erds (options: cca-activation)', '') },
      { name: 'emaint-egress.set', head: head('cca, erds (options: cca-activation)', ours) },
    ].map((f) => ({ ...f, bytes: f.head.length, sha256: '0'.repeat(64) }));
    const model = reportModel({
      tool: TOOL,
      generatedAt: AT,
      catalogue,
      runs: [{ file: 'r.json', run }],
      since: null,
      rules: { dir: 'rules', files, warnings: [] },
    });
    const checked = 'the runs with its agents checked options cca-activation and site endpoints fw.canon-regional.example';
    expect(model.rules?.files.map((f) => f.header?.endpoints)).toEqual([['fw.canon-regional.example'], [], ['fw.canon-regional.example']]);
    expect(model.rules?.warnings).toEqual([
      `emaint-egress.nft was made for options none and site endpoints fw.canon-regional.example; ${checked}`,
      `emaint-egress.pac was made for options cca-activation and site endpoints none; ${checked}`,
    ]);
  });

  it('what changed: a catalogue change log that does not reach back to the older run is said to be partial', () => {
    const older = fixture('earlier');
    const newer = fixture('customer');
    const entry = { version: '1.2.0', date: '2026-12-01', summary: 'regional hosts', sources: ['emaint-security'], added: ['x.srv.ygles.com'], removed: [] };
    const changesSince = (changes: SavedRun['catalogue']['changes']) =>
      reportModel({
        tool: TOOL,
        generatedAt: AT,
        catalogue,
        runs: [{ file: 'new.json', run: { ...newer, catalogue: { ...newer.catalogue, version: '1.2.0', changes } } }],
        since: { file: 'old.json', run: older },
        rules: null,
      }).changes;
    const partial = "catalogue 1.2.0's change log does not reach back to 1.0.0 as the other run's catalogue has it: only what it lists";
    // Its log lists 1.2.0 only: whatever 1.1.0 changed is not in it.
    const cut = changesSince([entry]);
    expect(cut?.summary).toContain(`catalogue 1.0.0 → 1.2.0 (${partial})`);
    expect(cut?.tables.map((t) => t.title)).toContain(`Catalogue change log between the runs (${partial})`);
    // A whole log: nothing said.
    const whole = changesSince([entry, ...older.catalogue.changes]);
    expect(whole?.summary).toMatch(/catalogue 1\.0\.0 → 1\.2\.0(,|;)/);
    expect(whole?.summary).not.toContain('reach back');
    expect(whole?.tables.map((t) => t.title)).toContain('Catalogue change log between the runs');
  });

  it('two runs of one site are told apart by their files; what changed is only for one run', () => {
    const runs = [
      { file: 'runs/a/site.json', run: fixture('customer') },
      { file: 'runs/b/site.json', run: fixture('reference') },
    ];
    const model = reportModel({ tool: TOOL, generatedAt: AT, catalogue, runs, since: null, rules: null });
    expect(model.sites.map((s) => s.name)).toEqual(['ACME Utrecht (1)', 'ACME Utrecht (2)']);
    expect(model.title).toBe('eMaintenance egress report: 2 sites');
    expect(() => reportModel({ tool: TOOL, generatedAt: AT, catalogue, runs, since: runs[0] ?? null, rules: null })).toThrow(/only for one run/);
  });
});
