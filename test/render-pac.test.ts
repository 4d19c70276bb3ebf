// The PAC target, run through a real PAC engine: pactester (Debian libpacparser1).
// Every planned host must take the eMaintenance route, in any case and with a trailing
// dot; look-alikes must not; in wildcard mode a new subdomain under a used vendor
// wildcard takes the route too. The PAC files use no DNS functions, so pactester makes
// no network traffic for them (and the test checks that they contain none).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Plan, plan } from '../src/core/planner.js';
import { catalogue } from './helpers/catalogue.js';
import { cli } from './helpers/cli.js';
import { requireSystem } from './helpers/system.js';

const ok = requireSystem('PAC tests', ['pactester']);

const PROXY = 'proxy.example.test:3128';
const PROXY_ROUTE = `PROXY ${PROXY}`;
const ALL = catalogue.agents.map((a) => a.id);
const OPTIONS = ['cca-activation'];
const MODES = ['exact', 'wildcard'] as const;
const ROUTES = ['proxy', 'direct'] as const;
type Mode = (typeof MODES)[number];
type Route = (typeof ROUTES)[number];

/** Functions that would make a PAC engine ask DNS (or the local interfaces). */
const NETWORK_FUNCTIONS = ['dnsResolve', 'isInNet', 'myIpAddress', 'isResolvable'];

let tmp: string | null = null;
function tempDir(): string {
  tmp ??= mkdtempSync(join(tmpdir(), 'emaint-pac-'));
  return tmp;
}
afterAll(() => {
  if (tmp !== null) rmSync(tmp, { recursive: true, force: true });
});

let fileNo = 0;
/** Writes `content` to a fresh file in the temp folder and returns its path. */
function writeTemp(name: string, content: string): string {
  const path = join(tempDir(), `${++fileNo}-${name}`);
  writeFileSync(path, content);
  return path;
}

/** Runs pactester on `pac` for each host (as https://HOST/) and returns host -> result. */
function pactester(pac: string, hosts: readonly string[]): Map<string, string> {
  const pacFile = writeTemp('emaint.pac', pac);
  const urlFile = writeTemp('urls.txt', `${hosts.map((h) => `https://${h}/`).join('\n')}\n`);
  // -c fixes the client address, so nothing asks for the machine's own address either.
  const r = spawnSync('pactester', ['-p', pacFile, '-f', urlFile, '-c', '192.0.2.10'], { encoding: 'utf8' });
  expect(r.error, String(r.error)).toBeUndefined();
  expect(r.status, r.stderr).toBe(0);
  const out = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    if (line.trim() === '') continue;
    const m = /^https:\/\/(.*)\/ : (.*)$/.exec(line);
    expect(m, `unexpected pactester line ${JSON.stringify(line)}`).not.toBeNull();
    if (m?.[1] !== undefined && m[2] !== undefined) out.set(m[1], m[2].trim());
  }
  expect([...out.keys()].sort()).toEqual([...new Set(hosts)].sort());
  return out;
}

/** One pactester call in the single-URL form, `-u URL -h HOST`. */
function pactesterOne(pac: string, host: string): string {
  const pacFile = writeTemp('one.pac', pac);
  const r = spawnSync('pactester', ['-p', pacFile, '-u', `https://${host}/`, '-h', host, '-c', '192.0.2.10'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}

interface Case {
  host: string;
  match: boolean;
  why: string;
}

/** The vendor wildcards the plan uses (they cover at least one planned host). */
function usedWildcards(p: Plan): { pattern: string; domain: string; covers: string[] }[] {
  return p.wildcards.filter((w) => w.covers.length > 0).map((w) => ({ pattern: w.pattern, domain: w.pattern.slice(2), covers: w.covers }));
}

/** Names to ask the PAC about, each with whether it must take the eMaintenance route. */
function cases(p: Plan, mode: Mode): Case[] {
  const wildcards = usedWildcards(p);
  const covered = (host: string) => mode === 'wildcard' && wildcards.some((w) => w.covers.includes(host));
  const out: Case[] = [];
  for (const host of p.hosts) {
    out.push({ host, match: true, why: 'planned host' });
    out.push({ host: host.toUpperCase(), match: true, why: 'planned host, upper case' });
    out.push({ host: `${host}.`, match: true, why: 'planned host, trailing dot' });
    out.push({ host: `${host.toUpperCase()}.`, match: true, why: 'planned host, upper case and trailing dot' });
    // A look-alike under the same parent: only a wildcard that covers the host lets it through.
    out.push({ host: `x${host}`, match: covered(host), why: `look-alike x+host (${mode})` });
    out.push({ host: `evil-${host}`, match: covered(host), why: `look-alike evil-+host (${mode})` });
    out.push({ host: `${host}.evil.test`, match: false, why: 'planned host as a prefix of another domain' });
  }
  for (const w of wildcards) {
    out.push({ host: w.domain, match: false, why: `bare wildcard domain (${w.pattern} does not cover it)` });
    out.push({ host: `x${w.domain}`, match: false, why: `${w.pattern} look-alike ending in the same text` });
    out.push({ host: `${w.domain}.evil.test`, match: false, why: `${w.pattern} domain as a prefix of another domain` });
    out.push({ host: `new.${w.domain}`, match: mode === 'wildcard', why: `new subdomain under ${w.pattern} (${mode})` });
    out.push({ host: `NEW.${w.domain.toUpperCase()}.`, match: mode === 'wildcard', why: `new subdomain under ${w.pattern}, upper case + dot (${mode})` });
  }
  out.push({ host: 'srv.ygles.com', match: false, why: 'bare srv.ygles.com' });
  out.push({ host: 'xsrv.ygles.com', match: false, why: 'xsrv.ygles.com look-alike' });
  out.push({ host: 'amazonaws.com.evil.test', match: false, why: 'amazonaws.com as a prefix of another domain' });
  out.push({ host: 'example.com', match: false, why: 'unrelated host' });
  return out;
}

/** Checks `pac` with pactester; returns one line per name that took the wrong route. */
function wrongRoutes(pac: string, p: Plan, mode: Mode, route: Route): string[] {
  const [matchRoute, otherRoute] = route === 'proxy' ? [PROXY_ROUTE, 'DIRECT'] : ['DIRECT', PROXY_ROUTE];
  const list = cases(p, mode);
  // The same name must never be expected both ways.
  const expected = new Map<string, Case>();
  for (const c of list) {
    const seen = expected.get(c.host);
    if (seen) expect(seen.match, `${c.host}: ${seen.why} vs ${c.why}`).toBe(c.match);
    else expected.set(c.host, c);
  }
  const results = pactester(pac, [...expected.keys()]);
  const wrong: string[] = [];
  for (const c of expected.values()) {
    const want = c.match ? matchRoute : otherRoute;
    const got = results.get(c.host);
    if (got !== want) wrong.push(`${c.host} (${c.why}): want ${want}, got ${got ?? 'nothing'}`);
  }
  return wrong;
}

async function renderPac(mode: Mode, route: Route): Promise<string> {
  const r = await cli('render', '--agents', 'all', '--cca-activation', '--target', 'pac', '--proxy', PROXY, '--pac-route', route, '--mode', mode);
  expect(r.stderr).not.toMatch(/^(?!warning: ).+/m);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe.skipIf(!ok)('render --target pac, run by pactester', () => {
  const p = plan(catalogue, { agents: ALL, options: OPTIONS });

  it('the plan has what these tests rely on: hosts, used wildcards, an uncovered host', () => {
    expect(p.hosts.length).toBeGreaterThan(10);
    expect(usedWildcards(p).map((w) => w.pattern)).toEqual(expect.arrayContaining(['*.srv.ygles.com', '*.amazonaws.com']));
    expect(p.uncovered.length).toBeGreaterThan(0);
    // The probe names are not planned hosts themselves.
    for (const w of usedWildcards(p)) {
      for (const probe of [w.domain, `x${w.domain}`, `new.${w.domain}`]) expect(p.hosts).not.toContain(probe);
    }
  });

  for (const route of ROUTES) {
    for (const mode of MODES) {
      describe(`--pac-route ${route} --mode ${mode}`, () => {
        it('uses no DNS or interface functions, and names the proxy', async () => {
          const pac = await renderPac(mode, route);
          for (const fn of NETWORK_FUNCTIONS) expect(pac).not.toContain(fn);
          expect(pac).toContain('function FindProxyForURL(url, host)');
          expect(pac).toContain(JSON.stringify(PROXY_ROUTE));
          if (mode === 'exact') expect(pac).not.toContain('dnsDomainIs');
        });

        it('routes every planned host (any case, trailing dot) one way, and look-alikes the other', async () => {
          const pac = await renderPac(mode, route);
          expect(wrongRoutes(pac, p, mode, route)).toEqual([]);
        });

        it('gives the same answer through pactester -u URL -h HOST', async () => {
          const pac = await renderPac(mode, route);
          const [matchRoute, otherRoute] = route === 'proxy' ? [PROXY_ROUTE, 'DIRECT'] : ['DIRECT', PROXY_ROUTE];
          const host = p.uncovered[0] ?? p.hosts[0] ?? '';
          expect(pactesterOne(pac, host)).toBe(matchRoute);
          expect(pactesterOne(pac, `x${host}`)).toBe(otherRoute);
          expect(pactesterOne(pac, 'new.srv.ygles.com')).toBe(mode === 'wildcard' ? matchRoute : otherRoute);
        });
      });
    }
  }

  // The checker itself must catch a broken PAC, or the tests above prove nothing.
  describe('the checker catches broken PAC files', () => {
    it('a PAC without the lower-casing fails for upper-case names', async () => {
      const pac = await renderPac('exact', 'proxy');
      const broken = pac.replace('host = host.toLowerCase();', '');
      expect(broken).not.toBe(pac);
      const wrong = wrongRoutes(broken, p, 'exact', 'proxy');
      expect(wrong.length).toBeGreaterThan(0);
      expect(wrong.every((w) => /[A-Z]/.test(w.split(' ')[0] ?? ''))).toBe(true);
    });

    it('a PAC that compares by suffix without the dot fails for look-alikes', async () => {
      const pac = await renderPac('wildcard', 'direct');
      const broken = pac.replace(/dnsDomainIs\(host, "\.([^"]+)"\)/g, 'dnsDomainIs(host, "$1")');
      expect(broken).not.toBe(pac);
      const wrong = wrongRoutes(broken, p, 'wildcard', 'direct');
      expect(wrong.join('\n')).toContain('xsrv.ygles.com');
      expect(wrong.join('\n')).toMatch(/^srv\.ygles\.com \(/m);
    });

    it('an exact-mode PAC that sends everything to the proxy fails', () => {
      const wrong = wrongRoutes(`function FindProxyForURL(url, host) { return ${JSON.stringify(PROXY_ROUTE)}; }\n`, p, 'exact', 'proxy');
      expect(wrong.join('\n')).toContain('evil.test');
    });
  });
});

describe('PAC: the MQTT port is not the PAC file\u2019s to steer', () => {
  it('says so, naming the IoT endpoint, when 8883 is planned; not when it is not', async () => {
    const withMqtt = await cli('render', '--agents', 'cca', '--target', 'pac', '--proxy', 'p.example:3128');
    expect(withMqtt.stdout.replace(/\n\/\/ /g, ' ')).toContain(
      "A PAC file steers only HTTP(S) clients: the devices' MQTT on tcp/8883 to a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com needs a firewall rule",
    );
    const without = await cli('render', '--agents', 'cca', '--target', 'pac', '--proxy', 'p.example:3128', '--iot-port', '443');
    expect(without.stdout).not.toContain('tcp/8883');
  });
});
