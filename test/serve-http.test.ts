// The exporter's HTTP side in-process, on loopback, with stand-ins for the checks that the
// test finishes by hand: routes, GET only, the scrape deadline, one probe per profile at a
// time over real HTTP, bounded labels, its own metrics (promtool) and a clean close.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type Exporter, type ServeProfile, startExporter } from '../src/commands/serve/index.js';
import type { RouteKind } from '../src/core/check/deadline.js';
import type { CheckOutput } from '../src/core/check/output.js';
import { checkOutput } from './helpers/check-output.js';
import { checkResult } from './helpers/check-result.js';
import { parseExposition, promtool } from './helpers/exposition.js';
import { requireSystem } from './helpers/system.js';
import { guardTraffic } from './helpers/traffic-guard.js';

const hasPromtool = requireSystem('promtool checks of /metrics', ['promtool']);
guardTraffic();

interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on its own connection (no pooling, so close() is observable). */
function get(address: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Got> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A profile whose probes the test finishes: `finish()` ends the oldest run under way. */
function profile(name: string, route: RouteKind = 'direct'): ServeProfile & { calls: number[]; finish(hosts?: string[]): void } {
  const pending: ((o: CheckOutput) => void)[] = [];
  const calls: number[] = [];
  return {
    name,
    route,
    calls,
    run(t) {
      calls.push(t);
      return new Promise((resolve) => pending.push(resolve));
    },
    finish(hosts = ['rgt.srv.ygles.com']) {
      const results = hosts.map((host) => checkResult({ host }));
      pending.shift()?.(checkOutput(results, { resolver: '127.0.0.1:53', timeoutMs: 0, concurrency: 1 }));
    },
  };
}

/** Finishes every run of `p` as it starts, until the returned stop is called. */
function autoFinish(p: ReturnType<typeof profile>): () => void {
  const timer = setInterval(() => p.finish(), 5);
  return () => clearInterval(timer);
}

let exporter: Exporter | null = null;
let log: string[] = [];
afterEach(async () => {
  await exporter?.close(2000);
  exporter = null;
});

async function start(profiles: ServeProfile[]): Promise<Exporter> {
  log = [];
  exporter = await startExporter({
    host: '127.0.0.1',
    port: 0,
    profiles,
    policy: { offsetMs: 500, maxPhaseMs: 5000, minPhaseMs: 100 },
    version: '9.8.7',
    catalogueVersion: '1.0.0',
    log: (line) => log.push(line),
  });
  return exporter;
}

const timeout = (s: number) => ({ 'X-Prometheus-Scrape-Timeout-Seconds': String(s) });
const value = (body: string, name: string, labels: Record<string, string> = {}) =>
  parseExposition(body).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('serve: routes and requests', () => {
  it('answers /probe?profile=NAME with that run in the text format, its phase timeout from the scrape deadline', async () => {
    const site = profile('site');
    const stop = autoFinish(site);
    const { address } = await start([site]);
    const r = await get(address, '/probe?profile=site', timeout(3));
    stop();
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(site.calls).toEqual([625]);
    expect(value(r.body, 'emaint_egress_probe_phase_timeout_seconds')).toBe(0.625);
    expect(value(r.body, 'emaint_egress_flow_success', { host: 'rgt.srv.ygles.com', port: '443' })).toBe(1);
    if (hasPromtool) expect(promtool(['check', 'metrics'], r.body)).toEqual({ status: 0, output: '' });
  });

  it("divides by the phases of the profile's route; without the header, Prometheus's default 10 s", async () => {
    const direct = profile('direct');
    const proxy = profile('proxied', 'proxy');
    const pac = profile('paced', 'pac');
    const stops = [direct, proxy, pac].map(autoFinish);
    const { address } = await start([direct, proxy, pac]);
    await get(address, '/probe?profile=direct');
    await get(address, '/probe?profile=proxied');
    await get(address, '/probe?profile=paced', timeout(4));
    for (const s of stops) s();
    expect([direct.calls, proxy.calls, pac.calls]).toEqual([[2375], [1900], [583]]);
  });

  it('refuses what it cannot serve with a one-line plain answer, never echoing the request', async () => {
    const a = profile('a');
    const b = profile('b');
    const { address } = await start([a, b]);
    const asked = 'not-a-profile-xyzzy';
    const cases: [string, Record<string, string>, number, string][] = [
      ['/probe', {}, 400, 'missing ?profile=NAME; valid: a, b\n'],
      [`/probe?profile=${asked}`, {}, 404, 'no such profile; valid: a, b\n'],
      ['/probe?profile=a&profile=b', {}, 400, 'give one profile per scrape\n'],
      ['/probe?profile=a&module=tls', {}, 400, '/probe takes one parameter, profile\n'],
      [
        '/probe?profile=a',
        timeout(0.7),
        400,
        'a scrape timeout of 0.7 s leaves less than 100 ms for each of the 4 phases a flow can chain (direct); give at least 0.9 s\n',
      ],
      ['/probe?profile=a', { 'X-Prometheus-Scrape-Timeout-Seconds': 'soon' }, 400, 'X-Prometheus-Scrape-Timeout-Seconds is not a positive number of seconds\n'],
      [`/${asked}`, {}, 404, 'not found; this exporter serves /probe?profile=NAME and /metrics\n'],
    ];
    for (const [path, headers, status, body] of cases) {
      const r = await get(address, path, headers);
      expect({ path, status: r.status, body: r.body, type: r.headers['content-type'] }).toEqual({ path, status, body, type: 'text/plain; charset=utf-8' });
    }
    expect(a.calls).toEqual([]);
    expect(b.calls).toEqual([]);
  });

  it('serves GET only: every other method is 405 with Allow: GET, and nothing runs', async () => {
    const site = profile('site');
    const { address } = await start([site]);
    for (const method of ['POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH']) {
      const r = await get(address, '/probe?profile=site', {}, method);
      expect({ method, status: r.status, allow: r.headers['allow'] }).toEqual({ method, status: 405, allow: 'GET' });
    }
    expect(site.calls).toEqual([]);
  });

  it('the index page names the pages and the profiles', async () => {
    const { address } = await start([profile('acme-utrecht'), profile('acme-delft')]);
    const r = await get(address, '/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('/probe?profile=NAME');
    expect(r.body).toContain('profiles: acme-utrecht, acme-delft');
  });
});

describe('serve: one probe per profile at a time, over HTTP', () => {
  it('two scrapes at once share one run: both get it, and /metrics counts one fresh and one joined', async () => {
    const site = profile('site');
    const { address } = await start([site]);
    const first = get(address, '/probe?profile=site', timeout(5));
    await new Promise((r) => setTimeout(r, 50));
    const second = get(address, '/probe?profile=site', timeout(5));
    await new Promise((r) => setTimeout(r, 50));
    site.finish();
    const [a, b] = await Promise.all([first, second]);
    expect(site.calls).toHaveLength(1);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body).toBe(a.body);
    const own = (await get(address, '/metrics')).body;
    expect(value(own, 'emaint_egress_exporter_probe_answers_total', { profile: 'site', answer: 'fresh' })).toBe(1);
    expect(value(own, 'emaint_egress_exporter_probe_answers_total', { profile: 'site', answer: 'joined' })).toBe(1);
    expect(value(own, 'emaint_egress_exporter_probes_total', { profile: 'site' })).toBe(1);
    // One log line per probe, not per scrape.
    expect(log.filter((l) => / msg=probe /.test(l))).toHaveLength(1);
  });

  it('past its deadline a scrape gets 503 before any probe finished, then the last result with its older timestamp', async () => {
    const site = profile('site');
    const { address } = await start([site]);
    const early = await get(address, '/probe?profile=site', timeout(1));
    expect(early.status).toBe(503);
    expect(early.body).toBe('no probe of this profile has finished yet; the first one outlived this scrape (see the log)\n');
    site.finish(['first.example']);
    await exporter?.close(0).then(() => undefined);
    exporter = null;
    // A new exporter: a finished probe, then a slow one.
    const again = profile('site');
    const { address: a2 } = await start([again]);
    const done = get(a2, '/probe?profile=site', timeout(2));
    await new Promise((r) => setTimeout(r, 30));
    again.finish(['first.example']);
    const firstBody = (await done).body;
    const finishedAt = value(firstBody, 'emaint_egress_probe_finished_timestamp_seconds') ?? 0;
    const late = await get(a2, '/probe?profile=site', timeout(1));
    expect(late.status).toBe(200);
    expect(value(late.body, 'emaint_egress_probe_finished_timestamp_seconds')).toBe(finishedAt);
    expect(value(late.body, 'emaint_egress_flow_success', { host: 'first.example' })).toBe(1);
    again.finish();
    const own = (await get(a2, '/metrics')).body;
    expect(value(own, 'emaint_egress_exporter_probe_answers_total', { profile: 'site', answer: 'last' })).toBe(1);
    expect(value(own, 'emaint_egress_exporter_probe_errors_total', { profile: 'site', reason: 'overran' })).toBe(1);
    expect(log.some((l) => l.includes('level=warn msg="probe outlived its scrape; the scrape got the last result" profile=site'))).toBe(true);
  });

  it('profiles probe independently: a slow one does not hold up another', async () => {
    const slow = profile('slow');
    const fast = profile('fast');
    const stop = autoFinish(fast);
    const { address } = await start([slow, fast]);
    const pending = get(address, '/probe?profile=slow', timeout(5));
    const r = await get(address, '/probe?profile=fast', timeout(5));
    stop();
    expect(r.status).toBe(200);
    slow.finish();
    expect((await pending).status).toBe(200);
  });
});

describe('serve: bounded', () => {
  it('/metrics labels come from fixed sets: scrapes of unknown profiles and paths do not add label values', async () => {
    const { address } = await start([profile('site')]);
    const before = labelSet((await get(address, '/metrics')).body);
    for (let i = 0; i < 50; i += 1) {
      await get(address, `/probe?profile=p${i}`);
      await get(address, `/x${i}`);
    }
    const after = labelSet((await get(address, '/metrics')).body);
    const added = [...after].filter((l) => !before.has(l));
    expect(added.sort()).toEqual(['code=200', 'code=404', 'handler=metrics', 'handler=other', 'handler=probe'].sort());
  });

  it.skipIf(!hasPromtool)('/metrics passes promtool check metrics, with build and catalogue info and every profile from the start', async () => {
    const { address } = await start([profile('a'), profile('b')]);
    const body = (await get(address, '/metrics')).body;
    expect(promtool(['check', 'metrics'], body)).toEqual({ status: 0, output: '' });
    expect(value(body, 'emaint_egress_build_info', { version: '9.8.7' })).toBe(1);
    expect(value(body, 'emaint_egress_catalogue_info', { version: '1.0.0' })).toBe(1);
    for (const p of ['a', 'b']) {
      expect(value(body, 'emaint_egress_exporter_probes_total', { profile: p })).toBe(0);
      expect(value(body, 'emaint_egress_exporter_probe_duration_seconds_count', { profile: p })).toBe(0);
    }
    expect(value(body, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});

describe('serve: close', () => {
  it('stops taking connections, lets the scrape under way get its answer, and waits for the probe', async () => {
    const site = profile('site');
    const { address } = await start([site]);
    const pending = get(address, '/probe?profile=site', timeout(5));
    await new Promise((r) => setTimeout(r, 50));
    const closing = exporter?.close(5000);
    exporter = null;
    await new Promise((r) => setTimeout(r, 50));
    await expect(get(address, '/metrics')).rejects.toThrow(/ECONNREFUSED/);
    site.finish();
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.headers['connection']).toBe('close');
    expect(await closing).toBe(true);
  });

  it('ends what is left after the grace time and says so', async () => {
    const site = profile('site');
    const { address } = await start([site]);
    const pending = get(address, '/probe?profile=site', timeout(30)).catch((err: Error) => err.message);
    await new Promise((r) => setTimeout(r, 50));
    const clean = await exporter?.close(100);
    exporter = null;
    expect(clean).toBe(false);
    expect(await pending).toMatch(/socket hang up|ECONNRESET/);
    site.finish();
  });
});

function labelSet(body: string): Set<string> {
  return new Set(
    parseExposition(body)
      .filter((s) => s.name.startsWith('emaint_egress_'))
      .flatMap((s) => Object.entries(s.labels).map(([k, v]) => `${k}=${v}`)),
  );
}
