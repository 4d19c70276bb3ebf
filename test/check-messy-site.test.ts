// `check` and `render --resolve` on a messy site in a network namespace of the test's own:
// a dnsmasq that answers A and REFUSES AAAA (as `--address=/#/...` sites do), a DNS filter
// that answers 0.0.0.0, a resolver given as an IPv4-mapped address or on a port that drops,
// and a machine that runs out of file descriptors. The built CLI runs inside the namespace.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plan } from '../src/core/planner.js';
import { catalogue } from './helpers/catalogue.js';
import { CheckSite, siteHosts } from './helpers/check-site.js';
import type { JsonOut } from './helpers/check-json.js';
import { requireSystem } from './helpers/system.js';

const ok = requireSystem('check tests on a messy site in a namespace', ['ip', 'iptables', 'dnsmasq', 'openssl', 'prlimit'], { netns: true });

const LOW_FD = fileURLToPath(new URL('./helpers/low-fd-cli.mjs', import.meta.url));
const full = plan(catalogue, { agents: catalogue.agents.map((a) => a.id), options: ['cca-activation'] });
const [FIRST, SINKHOLED, MULTICAST] = full.hosts as [string, string, string];

describe.skipIf(!ok)('check: a resolver that refuses AAAA, a DNS sinkhole, and too few file descriptors', () => {
  let site: CheckSite;
  beforeAll(async () => {
    site = await CheckSite.start({
      ports: [443, 8883],
      refuseAaaa: true,
      // FIRST sits on 127.0.0.1, where a connection to 0.0.0.0 lands on Linux: a check that
      // connected to the sinkhole's answer would find a working TLS server there.
      hosts: siteHosts(full.hosts, (h) =>
        h === FIRST ? { v4: '127.0.0.1' } : h === SINKHOLED ? { v4: '0.0.0.0', far: 'none' } : h === MULTICAST ? { v4: '224.0.0.1', far: 'none' } : {},
      ),
    });
  }, 30_000);
  afterAll(async () => site?.close());

  let out: JsonOut;
  beforeAll(() => {
    const r = site.run(['check', '--agents', 'all', '--cca-activation', '--timeout', '1500', '--json']);
    expect(r.stderr).toBe('');
    out = JSON.parse(r.stdout) as JsonOut;
  });

  it('AAAA REFUSED: every flow goes on with its A answer; the failed family is a warning, not a dns-error', () => {
    const others = out.results.filter((r) => r.host !== SINKHOLED && r.host !== MULTICAST);
    expect(others.map((r) => [r.host, r.port, r.status])).toEqual(others.map((r) => [r.host, r.port, 'ok']));
    for (const r of others) expect(r.dns?.failures).toEqual([{ type: 'AAAA', reason: 'REFUSED' }]);
    const warning = out.summary.warnings.find((w) => w.cause.includes('AAAA: REFUSED'));
    expect(warning?.cause).toBe('the resolver 127.0.0.1:53 answers A but fails AAAA for these names (AAAA: REFUSED)');
    expect(warning?.fix).toMatch(/^IPv4 devices are not affected/);
    const sinkholed = out.results.filter((r) => r.host === SINKHOLED || r.host === MULTICAST).map((r) => `${r.host}:${r.port}`);
    expect(out.summary.causes.filter((c) => c.status === 'dns-error').flatMap((c) => c.flows)).toEqual(sinkholed);
  });

  it('an answer of 0.0.0.0 is a sinkhole verdict with its fix, never connected to (nor "ok")', () => {
    const r = out.results.find((x) => x.host === SINKHOLED);
    expect(r).toMatchObject({ status: 'dns-error', dnsProblem: 'sinkhole', addresses: [], attempts: [] });
    expect(r?.dns?.sinkhole).toEqual([{ address: '0.0.0.0', range: 'unspecified' }]);
    const cause = out.summary.causes.find((c) => c.flows.includes(`${SINKHOLED}:443`));
    expect(cause?.cause).toContain('a DNS filter or sinkhole blocks them');
    expect(cause?.fix).toBe(
      `allow ${SINKHOLED} and ${MULTICAST} in the DNS filter (sinkhole, RPZ, DNS security service) or make 127.0.0.1:53 answer them with their public addresses`,
    );
    expect(out.results.find((x) => x.host === MULTICAST)?.dns?.sinkhole).toEqual([{ address: '224.0.0.1', range: 'multicast' }]);
  });

  it('a resolver given as [::ffff:127.0.0.1]:53 is asked and its answers taken', () => {
    const r = site.run(['check', '--agents', 'rdms', '--dns-server', '[::ffff:127.0.0.1]:53', '--timeout', '1500', '--json']);
    const body = JSON.parse(r.stdout) as JsonOut;
    expect(body.results.map((x) => x.status)).toEqual(body.results.map(() => 'ok'));
  });

  it('a resolver whose port drops: the fix names that port, not 53', () => {
    site.ns.exec('iptables', ['-A', 'OUTPUT', '-p', 'udp', '--dport', '5390', '-j', 'DROP']);
    const r = site.run(['check', '--agents', 'rdms', '--dns-server', '127.0.0.1:5390', '--timeout', '500']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('fix: check the resolver address and allow udp/5390 and tcp/5390 to it');
    expect(r.stdout).not.toContain('udp/53 ');
  });

  it('out of file descriptors: a verdict of its own, never "allow tcp/443 on the firewall"', () => {
    // Two descriptors to spare once the CLI has loaded: most lookups and connections fail
    // with EMFILE. Every flow is either ok or this machine's own error.
    const r = site.node([LOW_FD, '2', 'check', '--agents', 'all', '--cca-activation', '--timeout', '1500', '--json']);
    expect(r.stderr).toBe('');
    const body = JSON.parse(r.stdout) as JsonOut;
    const statuses = new Set(body.results.filter((x) => x.host !== SINKHOLED && x.host !== MULTICAST).map((x) => x.status));
    expect(statuses.has('local-error')).toBe(true);
    expect([...statuses].filter((s) => s !== 'ok' && s !== 'local-error')).toEqual([]);
    for (const x of body.results.filter((y) => y.status === 'local-error')) expect(x.localProblem).toBe('EMFILE');
    const cause = body.summary.causes.find((c) => c.status === 'local-error');
    expect(cause?.cause).toBe(
      'this machine ran out of open files for this process (EMFILE): these flows could not be tried, which says nothing about the site',
    );
    expect(cause?.fix).toContain('raise ulimit -n');
    const text = site.node([LOW_FD, '2', 'check', '--agents', 'all', '--timeout', '1500']);
    expect(text.stdout).toContain('LOCAL-ERROR');
    expect(text.stdout).not.toMatch(/fix: allow tcp\/\d+ to .* on the firewall/);
  });

  it('render --resolve fills the sets with the A answers and names the refused family', () => {
    const dir = join(site.dir, 'rules');
    const r = site.run(['render', '--agents', 'rdms', '--target', 'iptables', '--resolve', '--dns-server', '127.0.0.1', '--out', dir]);
    expect(r.code).toBe(0);
    const ipset = readFileSync(join(dir, 'emaint-egress.ipset'), 'utf8');
    for (const host of plan(catalogue, { agents: ['rdms'], options: [] }).hosts) {
      const v4 = [...siteHosts(full.hosts).entries()].find(([h]) => h === host)?.[1].v4;
      expect(ipset).toMatch(new RegExp(`^add \\S+ ${(v4 ?? '').replace(/\./g, '\\.')}`, 'm'));
    }
    expect(ipset).not.toContain('not resolved');
    expect(r.stderr).toMatch(/the resolver failed AAAA: REFUSED/);
  });
});

describe.skipIf(!ok)('render --resolve on a site whose resolver answers sinkholes and loopback', () => {
  let site: CheckSite;
  beforeAll(async () => {
    site = await CheckSite.start({
      ports: [443],
      hosts: siteHosts(full.hosts, (h) => (h === SINKHOLED ? { v4: '0.0.0.0', far: 'none' } : h === MULTICAST ? { v4: '224.0.0.1', far: 'none' } : {})),
    });
  }, 30_000);
  afterAll(async () => site?.close());

  it('never writes 0.0.0.0 or a multicast answer into a set; loopback answers go in with a warning; ipset restore loads it', () => {
    const dir = join(site.dir, 'rules-all');
    const r = site.run([
      'render',
      '--agents',
      'all',
      '--cca-activation',
      '--target',
      'iptables',
      '--hook',
      'forward',
      '--resolve',
      '--dns-server',
      '127.0.0.1',
      '--out',
      dir,
    ]);
    expect(r.code).toBe(0);
    const ipset = readFileSync(join(dir, 'emaint-egress.ipset'), 'utf8');
    expect(ipset).not.toMatch(/^add \S+ (0\.0\.0\.0|224\.0\.0\.1)/m);
    expect(ipset).toMatch(/warning: 127\.0\.1\.\d+ is loopback: split-horizon DNS\?/);
    expect(r.stderr).toContain(`${SINKHOLED} not resolved (answered only 0.0.0.0 (unspecified): a DNS filter or sinkhole)`);
    expect(r.stderr).toContain(`${MULTICAST} not resolved (answered only 224.0.0.1 (multicast): a DNS filter or sinkhole)`);
    expect(r.stderr).toMatch(/resolves to loopback addresses \(127\.0\.1\.\d+\): split-horizon DNS\?/);
    // The real tools take the files (0.0.0.0 made "ipset restore" fail: "Null-valued element").
    site.ns.exec('ipset', ['restore'], ipset);
    site.ns.exec('iptables-restore', ['--noflush'], readFileSync(join(dir, 'emaint-egress.rules'), 'utf8'));
  });
});
