// `diff OLD NEW` on saved runs and site profiles made here from the check's own types (the
// real runs from a namespace site are in saved-run-site.test.ts): the text against golden
// files, the JSON's parts, the catalogue change log between two versions, and the pure diff
// the report builds on. Regenerate on purpose only: UPDATE_GOLDEN=1 npx vitest run test/diff.test.ts
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCatalogue } from '../src/core/catalogue.js';
import type { CheckResult } from '../src/core/check/result.js';
import { plan } from '../src/core/planner.js';
import { parseProfile } from '../src/core/profile.js';
import { type CatalogueDelta, type RunDiff, catalogueDelta, diffRuns, isEmpty } from '../src/core/run-diff.js';
import { catalogueLines } from '../src/cli/output/diff-text.js';
import { type SavedRun, savedRun } from '../src/core/saved-run.js';
import type { SiteEndpoint } from '../src/core/site-endpoints.js';
import { runJson } from '../src/io/run-file.js';
import { catalogue, newerCatalogueJson } from './helpers/catalogue.js';
import { checkOutput } from './helpers/check-output.js';
import { checkResult } from './helpers/check-result.js';
import { cli } from './helpers/cli.js';
import { tempDirs } from './helpers/tmp.js';

const GOLDEN = fileURLToPath(new URL('./golden/diff/', import.meta.url));
const tmp = tempDirs('ee-diff-');
const newer = parseCatalogue(newerCatalogueJson('hbp2-ec1l.srv.ygles.com'));
const ROOT = 'emaint-egress Test Root CA, emaint-egress tests';
const INSPECTION = 'Corp TLS Inspection CA, ACME';
const FW: SiteEndpoint = { host: 'fw.canon-regional.example', ports: [443], protocol: 'tcp', reason: 'regional firmware server', requestedBy: 'J. Jansen' };

interface RunSpec {
  catalogue: typeof catalogue;
  agents: string[];
  endpoints?: SiteEndpoint[];
  at: string;
  resolver: string;
  /** Results that differ from "ok, issued by the test root, expiring in 300 days". */
  over?: Record<string, Partial<CheckResult>>;
}

/** A run as `check --save` makes it, from a plan and results made here. */
function run(spec: RunSpec): SavedRun {
  const endpoints = spec.endpoints ?? [];
  const p = plan(spec.catalogue, { agents: spec.agents, endpoints });
  const started = new Date(spec.at);
  const expires = (days: number) => new Date(started.getTime() + days * 86_400_000).toISOString();
  const results = p.flows.map((f) =>
    checkResult({
      host: f.host,
      port: f.port,
      agents: f.agents,
      clientCertificate: f.clientCertificate,
      issuer: ROOT,
      tls: { version: 'TLSv1.3', alpn: null, issuer: ROOT, subject: f.host, expires: expires(300), error: null },
      ...(f.site === null ? {} : { site: f.site }),
      ...spec.over?.[`${f.host}:${f.port}`],
    }),
  );
  return savedRun({
    tool: { name: 'emaint-egress', version: '0.1.0' },
    catalogue: spec.catalogue,
    catalogueFile: spec.catalogue === catalogue ? null : 'catalogue-1.1.0.json',
    output: checkOutput(results, { agents: p.agents, options: p.options, resolver: spec.resolver, timeoutMs: 2000 }),
    flows: p.flows,
    endpoints,
    startedAt: started,
    seconds: 2.1,
    checkedFrom: 'site-pc',
    profile: null,
    proxy: null,
    pac: null,
  });
}

const tls = (issuer: string, days: number, at: string) => ({
  issuer,
  tls: { version: 'TLSv1.3', alpn: null, issuer, subject: 'x', expires: new Date(Date.parse(at) + days * 86_400_000).toISOString(), error: null },
});
const OLD_AT = '2026-11-01T09:00:00.000Z';
const NEW_AT = '2026-11-21T09:00:00.000Z';
const OLD = run({
  catalogue,
  agents: ['cca', 'erds'],
  at: OLD_AT,
  resolver: '10.0.0.53:53',
  over: {
    'kinesis.eu-central-1.amazonaws.com:443': { status: 'refused', detail: '203.0.113.4:443: connection refused', issuer: null, tls: null },
    'rgt.srv.ygles.com:443': { status: 'refused', detail: '203.0.113.5:443: connection refused', issuer: null, tls: null },
  },
});
const NEW = run({
  catalogue: newer,
  agents: ['cca', 'rdms'],
  endpoints: [FW],
  at: NEW_AT,
  resolver: '10.0.0.54:53',
  over: {
    'camapi.srv.ygles.com:443': { status: 'timeout', detail: '203.0.113.6:443: no answer within 2000 ms', issuer: null, tls: null },
    'rgt.srv.ygles.com:443': { status: 'timeout', detail: '203.0.113.5:443: no answer within 2000 ms', issuer: null, tls: null },
    'cognito-identity.eu-central-1.amazonaws.com:443': {
      status: 'tls-untrusted',
      detail: `certificate issued by "${INSPECTION}", not trusted here (UNABLE_TO_VERIFY_LEAF_SIGNATURE): TLS inspection?`,
      ...tls(INSPECTION, 300, NEW_AT),
    },
    'a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com:8883': tls(ROOT, 10, NEW_AT),
    'hbp-ec1l.srv.ygles.com:443': tls(`${ROOT}\u001b[31m`, -2, NEW_AT),
  },
});

function files(...runs: SavedRun[]): string[] {
  const dir = tmp();
  return runs.map((r, i) => {
    const path = join(dir, `run-${i + 1}.json`);
    writeFileSync(path, runJson(r));
    return path;
  });
}

function golden(name: string, text: string): void {
  const file = join(GOLDEN, name);
  if (process.env['UPDATE_GOLDEN']) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, text);
  }
  expect(existsSync(file), `${file} missing: run UPDATE_GOLDEN=1 npx vitest run test/diff.test.ts`).toBe(true);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

describe('diff of two saved runs', () => {
  it('names every kind of change: the text, as the golden file has it', async () => {
    const [a, b] = files(OLD, NEW) as [string, string];
    const r = await cli('diff', a, b);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    golden('runs.txt', r.stdout.replaceAll(a, 'old.json').replaceAll(b, 'new.json'));
  });

  it('the pure diff the report renders: every group, in plan order', () => {
    const d = diffRuns(OLD, NEW);
    expect(d.catalogue).toMatchObject({ from: '1.0.0', to: '1.1.0', hostsAdded: ['hbp2-ec1l.srv.ygles.com'], hostsRemoved: [], logged: true });
    expect(d.catalogue?.changes.map((c) => c.version)).toEqual(['1.1.0']);
    expect(d.agents).toEqual({ added: ['rdms'], removed: ['erds'] });
    const names = (list: { host: string; port: number }[]) => list.map((f) => `${f.host}:${f.port}`);
    expect(names(d.flows.added)).toEqual([
      'hbp2-ec1l.srv.ygles.com:443',
      'a02.c-cdsknn.net:443',
      'device.c-cdsknn.net:443',
      'device02.c-cdsknn.net:443',
      'fw.canon-regional.example:443',
    ]);
    expect(d.flows.added.at(-1)).toMatchObject({ agents: [], site: { reason: 'regional firmware server', requestedBy: 'J. Jansen' } });
    expect(names(d.flows.removed)).toEqual(['a01.ugwdevice.net:443', 'b01.ugwdevice.net:443']);
    expect(d.broke.map((s) => [`${s.host}:${s.port}`, s.from, s.to])).toEqual([
      ['cognito-identity.eu-central-1.amazonaws.com:443', 'ok', 'tls-untrusted'],
      ['camapi.srv.ygles.com:443', 'ok', 'timeout'],
    ]);
    expect(d.fixed.map((s) => [`${s.host}:${s.port}`, s.from, s.to])).toEqual([['kinesis.eu-central-1.amazonaws.com:443', 'refused', 'ok']]);
    expect(d.changed.map((s) => [`${s.host}:${s.port}`, s.from, s.to])).toEqual([['rgt.srv.ygles.com:443', 'refused', 'timeout']]);
    expect(d.issuers.map((i) => [i.host, i.from, i.to])).toEqual([
      ['cognito-identity.eu-central-1.amazonaws.com', ROOT, INSPECTION],
      ['hbp-ec1l.srv.ygles.com', ROOT, `${ROOT}\u001b[31m`],
    ]);
    expect(d.expiring.map((x) => [`${x.host}:${x.port}`, x.days])).toEqual([
      ['a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com:8883', 10],
      ['hbp-ec1l.srv.ygles.com:443', -2],
    ]);
    expect(d.settings).toEqual([
      { field: 'resolver', from: '10.0.0.53:53', to: '10.0.0.54:53' },
      { field: 'catalogueFile', from: null, to: 'catalogue-1.1.0.json' },
    ]);
    expect(d.endpoints.added.map((e) => e.host)).toEqual(['fw.canon-regional.example']);
    expect(isEmpty(d)).toBe(false);
  });

  it('--json is the same diff', async () => {
    const [a, b] = files(OLD, NEW) as [string, string];
    const r = await cli('diff', a, b, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(diffRuns(OLD, NEW))));
  });

  it('a run against itself: no changes, but its expiring certificates are still named', async () => {
    const [a] = files(OLD) as [string];
    expect((await cli('diff', a, a)).stdout).toMatch(new RegExp(`\\n\\nNo changes: ${OLD.flows.length} flows, each as before\\.\\n$`));
    const [b] = files(NEW) as [string];
    const self = await cli('diff', b, b);
    expect(self.stdout).toContain('Certificates expiring within 30 days of the new run (2):');
    expect(self.stdout).not.toContain('Now failing');
  });

  it('the older run second: the same changes the other way, the catalogue a downgrade', () => {
    const d: RunDiff = diffRuns(NEW, OLD);
    expect(d.catalogue).toMatchObject({ from: '1.1.0', to: '1.0.0', hostsAdded: [], hostsRemoved: ['hbp2-ec1l.srv.ygles.com'] });
    expect(d.fixed.map((s) => s.host)).toEqual(['cognito-identity.eu-central-1.amazonaws.com', 'camapi.srv.ygles.com']);
  });
});

describe('the catalogue between two versions, from the change log', () => {
  const entry = (version: string, added: string[], removed: string[] = []) => ({
    version,
    date: '2026-12-01',
    summary: version,
    sources: ['x'],
    added,
    removed,
  });
  const log = [entry('1.3.0', ['d.example.com'], ['b.example.com']), entry('1.2.0', ['b.example.com', 'c.example.com']), entry('1.1.0', ['a.example.com'])];

  it('adds up the entries after the older version, up to the newer: a host added and removed again is neither', () => {
    expect(catalogueDelta({ version: '1.1.0', changes: log.slice(2) }, { version: '1.3.0', changes: log })).toMatchObject({
      hostsAdded: ['c.example.com', 'd.example.com'],
      hostsRemoved: [],
      logged: true,
    });
    expect(catalogueDelta({ version: '1.2.0', changes: log.slice(1) }, { version: '1.3.0', changes: log })).toMatchObject({
      hostsAdded: ['d.example.com'],
      hostsRemoved: ['b.example.com'],
    });
  });

  it('says so when the newer log does not reach back to the older version', () => {
    const d = catalogueDelta({ version: '1.0.0', changes: [] }, { version: '1.3.0', changes: log.slice(0, 2) });
    expect(d?.logged).toBe(false);
    // A log that skips the older version, or has another entry for it (a catalogue of another
    // lineage numbered alike), does not account for the change either.
    const other = entry('1.1.0', ['z.example.com']);
    expect(catalogueDelta({ version: '1.1.0', changes: [other] }, { version: '1.3.0', changes: log })).toMatchObject({
      hostsAdded: ['c.example.com', 'd.example.com'],
      logged: false,
    });
    expect(catalogueDelta({ version: '1.1.5', changes: [entry('1.1.5', [])] }, { version: '1.3.0', changes: log })?.logged).toBe(false);
    // Downgrading to another lineage's version alike.
    expect(catalogueDelta({ version: '1.3.0', changes: log }, { version: '1.1.0', changes: [other] })?.logged).toBe(false);
    expect(catalogueDelta({ version: '1.3.0', changes: log }, { version: '1.1.0', changes: log.slice(2) })?.logged).toBe(true);
    // And diff's text says so, on the catalogue's line.
    expect(catalogueLines(d as CatalogueDelta)[0]).toBe(
      "Catalogue 1.0.0 → 1.3.0: +2 hosts, -0 hosts (catalogue 1.3.0's change log does not reach back to 1.0.0 as the other run's catalogue has it: only what it lists)",
    );
    // A downgrade names the older run's log, the higher version's.
    const down = catalogueDelta({ version: '1.3.0', changes: log.slice(0, 2) }, { version: '1.0.0', changes: [] });
    expect(catalogueLines(down as CatalogueDelta)[0]).toBe(
      "Catalogue 1.3.0 → 1.0.0: +0 hosts, -2 hosts (catalogue 1.3.0's change log does not reach back to 1.0.0 as the other run's catalogue has it: only what it lists)",
    );
  });
});

describe('diff of two site profiles', () => {
  function profile(extra: Record<string, unknown>): string {
    const path = join(tmp(), 'site.json');
    writeFileSync(path, JSON.stringify({ format: 'emaint-egress-profile', version: 1, agents: ['cca'], ...extra }));
    return path;
  }

  it('the flows each plans, the site endpoints and the settings: the text, as the golden file has it', async () => {
    const a = profile({ site: 'ACME', proxy: 'http://svc@proxy.acme.example:8080', endpoints: [{ ...FW, ports: [443] }] });
    const b = profile({
      site: 'ACME Utrecht',
      agents: ['cca', 'erds'],
      options: ['cca-activation'],
      mode: 'wildcard',
      endpoints: [
        { ...FW, ports: [443, 8443], reason: 'regional firmware and licences' },
        { host: 'diag.canon-regional.example', ports: [9000], reason: 'remote diagnostics', requestedBy: 'Canon NL' },
      ],
    });
    const r = await cli('diff', a, b);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    golden('profiles.txt', r.stdout.replaceAll(a, 'old.json').replaceAll(b, 'new.json'));
    const json = JSON.parse((await cli('diff', a, b, '--json')).stdout) as { kind: string; flows: { added: { host: string; port: number }[] } };
    expect(json.kind).toBe('profiles');
    // The plan's order: the catalogue's flows by domain, then the site's.
    expect(json.flows.added.map((f) => `${f.host}:${f.port}`)).toEqual([
      'cnvextdata-an1s.srv.ygles.com:443',
      'a01.ugwdevice.net:443',
      'b01.ugwdevice.net:443',
      'diag.canon-regional.example:9000',
      'fw.canon-regional.example:8443',
    ]);
    // The same profile: no changes.
    expect((await cli('diff', a, a)).stdout).toMatch(/No changes: the same flows and settings\.\n$/);
  });

  it('plans with --catalogue: a newer catalogue adds its host to both sides alike', async () => {
    const file = join(tmp(), 'catalogue.json');
    writeFileSync(file, JSON.stringify(newerCatalogueJson('hbp2-ec1l.srv.ygles.com')));
    const a = profile({});
    const b = profile({ agents: ['cca', 'rdms'] });
    const r = await cli('diff', a, b, '--catalogue', file);
    expect(r.stdout).toMatch(/^Site profiles: .* \(planned with catalogue 1\.1\.0\)/);
    expect(r.stdout).not.toContain('hbp2-ec1l');
    expect(parseProfile({ format: 'emaint-egress-profile', version: 1, agents: ['cca'] }, catalogue).agents).toEqual(['cca']);
  });
});

describe('diff: bad input is one line, exit 2, nothing on stdout', () => {
  it.each([
    [
      'a run and a profile',
      () => [files(OLD)[0], writeTo('p.json', { format: 'emaint-egress-profile', version: 1, agents: ['cca'] })],
      /is a saved run and .* a site profile; diff compares two runs or two profiles$/,
    ],
    [
      'a file of another kind',
      () => [writeTo('x.json', { format: 'something' }), files(OLD)[0]],
      /^emaint-egress diff: file .*x\.json is neither a saved run .* nor a site profile/,
    ],
    ['a missing file', () => [join(tmp(), 'none.json'), files(OLD)[0]], /^emaint-egress diff: file .*none\.json: cannot read it \(ENOENT\)$/],
    [
      'a bad profile',
      () => [
        writeTo('p.json', { format: 'emaint-egress-profile', version: 1, agents: ['x'] }),
        writeTo('q.json', { format: 'emaint-egress-profile', version: 1, agents: ['cca'] }),
      ],
      /^emaint-egress diff: profile .*p\.json: "agents": unknown agent 'x'/,
    ],
    ['one file', () => [files(OLD)[0]], /^emaint-egress diff: missing required argument 'new'/],
  ])('%s', async (_what, paths, message) => {
    const r = await cli('diff', ...(paths() as string[]));
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
  });
});

function writeTo(name: string, doc: unknown): string {
  const path = join(tmp(), name);
  writeFileSync(path, JSON.stringify(doc));
  return path;
}
