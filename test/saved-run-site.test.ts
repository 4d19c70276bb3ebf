// Saved runs from real checks against a site in a network namespace (test/helpers/check-site.ts:
// dnsmasq, TLS servers with openssl-made certificates valid two days, iptables, tinyproxy with
// Basic authentication, Squid inspecting TLS): each run read back and validated, the proxy
// password nowhere in the file, tampered copies refused, and `diff` between runs of the same
// site with a flow dropped in between, with a newer catalogue file, and behind an inspecting
// proxy. The CLI runs inside the namespace; no traffic leaves it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plan } from '../src/core/planner.js';
import type { SavedRun } from '../src/core/saved-run.js';
import type { RunDiff } from '../src/core/run-diff.js';
import { readRun } from '../src/io/run-file.js';
import { newerCatalogueJson } from './helpers/catalogue.js';
import { catalogue } from './helpers/catalogue.js';
import { CheckSite, siteHosts } from './helpers/check-site.js';
import { type CliResult, cli } from './helpers/cli.js';
import { requireSystem } from './helpers/system.js';
import { tempDirs } from './helpers/tmp.js';

const ok = requireSystem('saved runs from checks against a site in a namespace', ['ip', 'iptables', 'ip6tables', 'dnsmasq', 'openssl', 'tinyproxy', 'squid'], {
  netns: true,
});

const tmp = tempDirs('ee-saved-run-');
const SECRET = 'pr0xyS3cretw0rd';
const NEW_HOST = 'device03.c-cdsknn.net';
const SITE_HOST = 'fw.canon-regional.example';
const rdms = plan(catalogue, { agents: ['rdms'] });
/** The host whose traffic the site starts dropping between the first two runs. */
const DROPPED = rdms.hosts[1] as string;
const hosts = siteHosts([...rdms.hosts, SITE_HOST, NEW_HOST]);
const addressOf = (host: string) => hosts.get(host)?.v4 ?? '';

describe.skipIf(!ok)('saved runs of a real site, and what changed between them', () => {
  let site: CheckSite;
  const dir = tmp();
  const path = (name: string) => join(dir, name);
  const results = new Map<string, CliResult>();
  const run = (name: string) => readRun(path(`${name}.json`));
  const diff = async (a: string, b: string) => JSON.parse((await cli('diff', path(`${a}.json`), path(`${b}.json`), '--json')).stdout) as RunDiff;

  beforeAll(async () => {
    site = await CheckSite.start({ ports: [443, 8443], hosts });
    await site.startProxy(3128, { user: 'proxyuser', password: SECRET });
    await site.startSquid({ port: 3129, bump: true });
    const profile = path('site.json');
    writeFileSync(
      profile,
      JSON.stringify({
        format: 'emaint-egress-profile',
        version: 1,
        site: 'ACME test site',
        agents: ['rdms'],
        endpoints: [{ host: SITE_HOST, ports: [443, 8443], reason: 'regional firmware server', requestedBy: 'J. Jansen, Canon NL' }],
      }),
    );
    const newer = path('catalogue-1.1.0.json');
    writeFileSync(newer, JSON.stringify(newerCatalogueJson(NEW_HOST, 'rdms')));
    const check = (name: string, ...args: string[]) => ['check', '--profile', profile, '--timeout', '1000', '--save', path(`${name}.json`), ...args];
    results.set('first', site.run(check('first')));
    // The site's firewall starts dropping one host's traffic.
    site.ns.exec('iptables', ['-A', 'OUTPUT', '-d', addressOf(DROPPED), '-p', 'tcp', '-j', 'DROP']);
    results.set('dropped', site.run(check('dropped')));
    results.set('newer', site.run(check('newer', '--catalogue', newer)));
    results.set('proxy', site.run(check('proxy', '--proxy', 'http://proxyuser@127.0.0.1:3128', '--format', 'nagios'), { EMAINT_PROXY_PASSWORD: SECRET }));
    results.set('inspected', site.run(check('inspected', '--proxy', 'http://127.0.0.1:3129', '--json')));
  }, 120_000);
  afterAll(async () => site?.close());

  it('check --save writes the run whatever the format, and says where (not under nagios)', () => {
    expect(results.get('first')).toMatchObject({ code: 0 });
    expect(results.get('first')?.stderr).toBe(`note: run saved to ${path('first.json')}\n`);
    expect(results.get('dropped')?.code).toBe(1);
    // The plugin's output alone: the dropped host, and 8443 that tinyproxy allows no CONNECT to.
    expect(results.get('proxy')?.stdout).toMatch(/^EGRESS CRITICAL: 2 of 5 flows fail /);
    expect(results.get('proxy')?.stderr).toBe('');
    expect(JSON.parse(results.get('inspected')?.stdout ?? '')).toHaveProperty('summary');
  });

  it('reads back and validates: the profile, the site endpoint flows, the summary, the time', () => {
    const first: SavedRun = run('first');
    expect(first).toMatchObject({
      format: 'emaint-egress-run',
      version: 1,
      catalogue: { version: '1.0.0', file: null },
      agents: ['rdms'],
      // The namespace's /etc/resolv.conf names the site's dnsmasq.
      resolver: '127.0.0.1:53',
      proxy: null,
      pac: null,
      timeoutMs: 1000,
      summary: { total: rdms.flows.length + 2, failed: 0 },
      profile: { path: path('site.json'), document: { site: 'ACME test site', agents: ['rdms'] } },
      endpoints: [{ host: SITE_HOST, ports: [443, 8443], protocol: 'tcp', reason: 'regional firmware server', requestedBy: 'J. Jansen, Canon NL' }],
    });
    expect(first.flows.map((f) => `${f.host}:${f.port}`)).toEqual([...rdms.flows.map((f) => `${f.host}:${f.port}`), `${SITE_HOST}:443`, `${SITE_HOST}:8443`]);
    expect(first.flows.at(-1)).toMatchObject({
      agents: [],
      site: { reason: 'regional firmware server' },
      status: 'ok',
      issuer: expect.stringMatching(/Test Root CA/),
    });
    expect(Math.abs(Date.parse(first.startedAt) - Date.now())).toBeLessThan(120_000);
    expect(first.checkedFrom).not.toBe('');
  });

  it('never writes the proxy password: the run went through the authenticating proxy, the file keeps the user only', () => {
    const text = readFileSync(path('proxy.json'), 'utf8');
    const r = run('proxy');
    expect(r.proxy).toBe('http://proxyuser@127.0.0.1:3128');
    // The password was used (tinyproxy let the flows through), and is in no form in the file.
    expect(r.flows.filter((f) => f.host !== DROPPED && f.port === 443).map((f) => f.status)).toEqual(['ok', 'ok', 'ok']);
    for (const form of [SECRET, encodeURIComponent(SECRET), Buffer.from(`proxyuser:${SECRET}`).toString('base64')]) expect(text).not.toContain(form);
  });

  it('diff: the flow dropped between two runs is the one change; its certificates all expire within 30 days', async () => {
    const d = await diff('first', 'dropped');
    expect(d.broke.map((s) => [`${s.host}:${s.port}`, s.from, s.to])).toEqual([[`${DROPPED}:443`, 'ok', 'timeout']]);
    expect(d.broke[0]?.detail).toBe(`${addressOf(DROPPED)}:443: no answer within 1000 ms`);
    expect([d.fixed, d.changed, d.flows.added, d.flows.removed, d.issuers, d.settings]).toEqual([[], [], [], [], [], []]);
    expect(d.catalogue).toBeNull();
    expect(d.unchanged).toEqual({ ok: rdms.flows.length + 1, failing: 0 });
    // The test certificates are valid two days.
    expect(d.expiring.length).toBe(rdms.flows.length + 1);
    for (const x of d.expiring) expect(x.days).toBeLessThanOrEqual(2);
    const text = await cli('diff', path('first.json'), path('dropped.json'));
    expect(text.stdout).toContain(`Now failing (1):\n  ${DROPPED}:443: ok → timeout: ${addressOf(DROPPED)}:443: no answer within 1000 ms\n`);
    // And back: the same change the other way.
    expect((await diff('dropped', 'first')).fixed.map((s) => s.host)).toEqual([DROPPED]);
  });

  it('diff: a newer catalogue file adds a host, named with its change log; the dropped flow fails as before', async () => {
    expect(run('newer').catalogue).toMatchObject({ version: '1.1.0', file: path('catalogue-1.1.0.json') });
    const d = await diff('dropped', 'newer');
    expect(d.catalogue).toMatchObject({ from: '1.0.0', to: '1.1.0', hostsAdded: [NEW_HOST], hostsRemoved: [], logged: true });
    expect(d.flows.added).toEqual([{ host: NEW_HOST, port: 443, agents: ['rdms'], site: null }]);
    expect(d.broke).toEqual([]);
    expect(d.unchanged.failing).toBe(1);
    const text = await cli('diff', path('dropped.json'), path('newer.json'));
    expect(text.stdout).toContain('Catalogue 1.0.0 → 1.1.0: +1 host, -0 hosts\n');
    expect(text.stdout).toContain(`Flows added (1):\n  + ${NEW_HOST}:443 for rdms\n`);
  });

  it('diff: behind an inspecting proxy every certificate has a new issuer, and the flows fail', async () => {
    const d = await diff('first', 'inspected');
    // The dropped host's handshake never comes back through Squid: no issuer there.
    const tlsFlows = run('first').flows.filter((f) => f.issuer !== null && f.host !== DROPPED);
    expect(d.issuers.map((i) => i.to)).toEqual(tlsFlows.map(() => 'Squid Inspection CA, emaint-egress tests'));
    expect(d.issuers.map((i) => `${i.host}:${i.port}`)).toEqual(tlsFlows.map((f) => `${f.host}:${f.port}`));
    expect(d.broke.map((s) => [s.host, s.to])).toEqual(run('first').flows.map((f) => [f.host, f.host === DROPPED ? 'tls-error' : 'tls-untrusted']));
    expect(d.settings).toContainEqual({ field: 'proxy', from: null, to: 'http://127.0.0.1:3129' });
  });

  // Each copy of a real run, edited: refused by diff in one line naming the file, exit 2.
  // biome-ignore lint/suspicious/noExplicitAny: edits the saved JSON as someone might by hand
  const tampered: [string, (r: Record<string, any>) => void, RegExp][] = [
    ['a flow turned ok by hand', (r) => Object.assign(r['flows'][1], { status: 'ok' }), /"summary" does not match the flows \(edited by hand\?\)$/],
    ['a summary edited', (r) => (r['summary'].failed = 0), /"summary" does not match the flows/],
    ['an unknown status', (r) => (r['flows'][0].status = 'fine'), /"flows\.0\.status": Invalid option/],
    ['an unknown field', (r) => (r['colour'] = 'red'), /unknown field "colour"; valid fields: format, version, tool/],
    ['an unknown field in a flow', (r) => (r['flows'][0].colour = 'red'), /"flows\.0": unknown field "colour"$/],
    ['another format', (r) => (r['format'] = 'emaint-egress-report'), /^emaint-egress diff: file .* is neither a saved run/],
    ['a newer version', (r) => (r['version'] = 2), /"version" is 2, not 1: a run saved by a newer emaint-egress$/],
    ['a proxy with a password', (r) => (r['proxy'] = `http://proxyuser:${SECRET}@127.0.0.1:3128`), /"proxy" holds a password; a saved run never does$/],
    ['a flow listed twice', (r) => r['flows'].push(r['flows'][0]), /"flows\.\d+": .* is listed twice$/],
    ['a site flow without its endpoint', (r) => (r['endpoints'] = []), /the site flow fw\.canon-regional\.example:443 is not among the run's endpoints$/],
    ['a flow for an agent not checked', (r) => (r['flows'][0].agents = ['cca']), /"flows\.0\.agents": cca is not among the run's agents$/],
    [
      'a flow for an option not checked',
      (r) => (r['flows'][0].options = ['cca-activation']),
      /"flows\.0\.options": cca-activation is not among the run's options$/,
    ],
    ['an endpoint port without its flow', (r) => r['endpoints'][0].ports.push(9443), /"endpoints": fw\.canon-regional\.example:9443 has no flow$/],
    [
      'a site flow with another reason than its endpoint',
      (r) => (r['flows'].find((f: { site?: unknown }) => f.site).site.reason = 'approved by nobody'),
      /"flows": fw\.canon-regional\.example:443 does not give its endpoint's reason$/,
    ],
    [
      'a password in the profile it embeds',
      (r) => (r['profile'].document.proxy = `http://proxyuser:${SECRET}@127.0.0.1:3128`),
      /"profile\.document\.proxy" holds a password; a saved run never does$/,
    ],
    ['a host with a terminal escape', (r) => (r['flows'][0].host = 'a\u001b[2Jb.example.com'), /"flows\.0\.host": must be a lower-case DNS name$/],
    ['a time that is not one', (r) => (r['startedAt'] = 'yesterday'), /"startedAt": must be an ISO 8601 UTC time/],
    ['a missing field', (r) => delete r['flows'], /"flows": missing$/],
  ];
  it.each(tampered)('refuses a run with %s', async (_what, edit, message) => {
    // biome-ignore lint/suspicious/noExplicitAny: edits the saved JSON as someone might by hand
    const doc = JSON.parse(readFileSync(path('dropped.json'), 'utf8')) as Record<string, any>;
    edit(doc);
    const file = join(tmp(), 'tampered.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const r = await cli('diff', file, path('first.json'));
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^emaint-egress diff: (run|file) ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(r.stderr).not.toContain(SECRET);
    expect(r.stderr).not.toContain('\u001b');
  });

  it('refuses a run cut short, and one that is not JSON', async () => {
    const text = readFileSync(path('first.json'), 'utf8');
    for (const [name, content, message] of [
      ['cut.json', text.slice(0, Math.floor(text.length / 2)), /is not valid JSON \(cut short\?\)$/],
      ['binary.json', '\u0000\u0001PK', /is not valid JSON$/],
    ] as const) {
      const file = join(tmp(), name);
      writeFileSync(file, content);
      const r = await cli('diff', file, path('first.json'));
      expect(r).toMatchObject({ code: 2, stdout: '' });
      expect(r.stderr.trimEnd()).toMatch(message);
    }
  });
});
