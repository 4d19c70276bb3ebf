// The rendered iptables and nftables rules, applied with the real tools inside a
// network namespace the test makes: every planned flow gets out, nothing else does.
// Catalogue hosts resolve (dnsmasq, the site's resolver) to 127.0.1.x listeners; no
// traffic leaves loopback or the namespace.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plan } from '../src/core/planner.js';
import { catalogue } from './helpers/catalogue.js';
import { bin } from './helpers/cli.js';
import { type Dnsmasq, startDnsmasq } from './helpers/dnsmasq.js';
import { Netns, requireSystem } from './helpers/system.js';

const ok = requireSystem('firewall enforcement tests', ['ip', 'iptables-restore', 'ip6tables-restore', 'ipset', 'nft', 'dnsmasq'], { netns: true });

const PEER = fileURLToPath(new URL('./helpers/netns-peer.mjs', import.meta.url));
const full = plan(catalogue, { agents: catalogue.agents.map((a) => a.id), options: ['cca-activation'] });
/** Each catalogue host gets its own loopback address. */
const addressOf = new Map(full.hosts.map((h, i) => [h, `127.0.1.${i + 1}`]));
const OUTSIDER = '127.0.9.9';
const SOURCE = '127.0.0.1';
const OTHER_SOURCE = '127.0.0.2';

type Probe = { host: string; port: number; from: string; expect: 'ok' | 'timeout'; why: string };

/** Planned flows must pass; other ports, other addresses and other sources must drop. */
function probes(): Probe[] {
  const out: Probe[] = [];
  for (const f of full.flows) {
    out.push({ host: addressOf.get(f.host) ?? '', port: f.port, from: SOURCE, expect: 'ok', why: `${f.host}:${f.port}` });
  }
  for (const h of full.hosts) {
    const ports = new Set(full.flows.filter((f) => f.host === h).map((f) => f.port));
    for (const port of [80, 8883, 8443].filter((p) => !ports.has(p))) {
      out.push({ host: addressOf.get(h) ?? '', port, from: SOURCE, expect: 'timeout', why: `${h} on unplanned port ${port}` });
    }
  }
  out.push({ host: OUTSIDER, port: 443, from: SOURCE, expect: 'timeout', why: 'non-catalogue address' });
  const first = full.flows[0];
  if (first) out.push({ host: addressOf.get(first.host) ?? '', port: first.port, from: OTHER_SOURCE, expect: 'timeout', why: 'source outside --source' });
  return out;
}

function listenSpec(): [string, number][] {
  const spec: [string, number][] = [[OUTSIDER, 443]];
  for (const h of full.hosts) for (const port of [80, 443, 8443, 8883]) spec.push([addressOf.get(h) ?? '', port]);
  return spec;
}

async function listen(ns: Netns): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns.name, process.execPath, PEER, 'listen', JSON.stringify(listenSpec())], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`listeners exited with ${code}`)));
  });
  return child;
}

function probe(ns: Netns, targets: readonly { host: string; port: number; from: string }[], extra: object = {}): string[] {
  const out = ns.exec(process.execPath, [PEER, 'probe', JSON.stringify({ timeout: 700, targets, ...extra })]);
  return JSON.parse(out) as string[];
}

/** The same, without blocking: two namespaces can wait out their timeouts side by side. */
async function probeAsync(ns: Netns, targets: readonly { host: string; port: number; from: string }[], extra: object = {}): Promise<string[]> {
  const { stdout } = await promisify(execFile)('ip', [
    'netns',
    'exec',
    ns.name,
    process.execPath,
    PEER,
    'probe',
    JSON.stringify({ timeout: 700, targets, ...extra }),
  ]);
  return JSON.parse(stdout) as string[];
}

/** The TTLs a resolver hands out for `name`. */
async function ttls(ns: Netns, dns: string, name: string): Promise<number[]> {
  const { stdout } = await promisify(execFile)('ip', ['netns', 'exec', ns.name, process.execPath, PEER, 'resolve', JSON.stringify({ dns, names: [name] })]);
  return (JSON.parse(stdout) as { ttl: number }[][]).flat().map((r) => r.ttl);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The site's own firewall before ours goes in: a default-drop output policy that lets
// replies back in and, where the devices use a local resolver, lets them reach it.
function siteDefaultDrop(ns: Netns, target: 'iptables' | 'nftables', localResolver = false): void {
  if (target === 'iptables') {
    ns.exec('iptables', ['-P', 'OUTPUT', 'DROP']);
    ns.exec('iptables', ['-A', 'OUTPUT', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT']);
    if (localResolver) ns.exec('iptables', ['-A', 'OUTPUT', '-d', '127.0.0.1/32', '-j', 'ACCEPT']);
    return;
  }
  const rules = [
    'add table inet filter',
    'add chain inet filter output { type filter hook output priority 0; policy drop; }',
    'add rule inet filter output ct state established,related accept',
  ];
  if (localResolver) rules.push('add rule inet filter output ip daddr 127.0.0.1 accept');
  ns.exec('nft', ['-f', '-'], rules.join('\n'));
}

// Loads the rendered files the way the README tells the engineer to.
function applyRendered(ns: Netns, target: 'iptables' | 'nftables', dir: string): void {
  if (target === 'iptables') {
    ns.exec('ipset', ['restore'], readFileSync(join(dir, 'emaint-egress.ipset'), 'utf8'));
    ns.exec('iptables-restore', ['--noflush'], readFileSync(join(dir, 'emaint-egress.rules'), 'utf8'));
  } else {
    ns.exec('nft', ['-f', join(dir, 'emaint-egress.nft')]);
  }
}

// A namespace for the dnsmasq snippet tests: the listeners, an upstream dnsmasq on port 5300
// answering for the catalogue hosts, the site's default drop (its hosts may reach the local
// resolver) and the rendered rules. All of it is taken down after `body`.
async function inSnippetSite(target: 'iptables' | 'nftables', dir: string, upstreamExtra: string[], body: (ns: Netns) => Promise<void>): Promise<void> {
  const ns = new Netns();
  const listeners = await listen(ns);
  const upstream = await startDnsmasq({ addresses: addressOf, netns: ns, port: 5300, extra: upstreamExtra });
  try {
    siteDefaultDrop(ns, target, true);
    applyRendered(ns, target, dir);
    await body(ns);
  } finally {
    await upstream.stop();
    listeners.kill();
    ns.close();
  }
}

// The site's resolver: the rendered dnsmasq snippet, forwarding to the upstream dnsmasq
// on port 5300 (the sets fill only from answers it forwards).
function startSiteResolver(ns: Netns, target: 'iptables' | 'nftables', dir: string): Promise<Dnsmasq> {
  return startDnsmasq({
    addresses: new Map(),
    netns: ns,
    port: 53,
    extra: [`--conf-file=${join(dir, `emaint-egress.${target}.dnsmasq.conf`)}`, '--server=127.0.0.1#5300'],
  });
}

function expectVerdicts(ps: readonly Probe[], got: readonly string[]): void {
  const wrong = ps.map((p, i) => ({ ...p, got: got[i] })).filter((p) => p.got !== p.expect);
  expect(wrong.map((w) => `${w.why}: expected ${w.expect}, got ${w.got}`)).toEqual([]);
}

describe.skipIf(!ok)('rendered rules enforced in a network namespace', () => {
  let resolver: Dnsmasq;
  const dirs: string[] = [];
  beforeAll(async () => {
    resolver = await startDnsmasq({ addresses: addressOf });
  });
  afterAll(async () => {
    await resolver?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function render(target: string, ...args: string[]): string {
    const dir = mkdtempSync(join(tmpdir(), `ee-${target}-`));
    dirs.push(dir);
    const r = bin('render', '--agents', 'all', '--cca-activation', '--target', target, '--out', dir, ...args);
    // Wildcard mode warns what each wildcard opens; nothing else may be said.
    expect(r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('warning: '))).toEqual([]);
    expect(r.code).toBe(0);
    return dir;
  }
  const resolveArgs = () => ['--resolve', '--dns-server', `127.0.0.1:${resolver.port}`];

  it('iptables: ipset restore + iptables-restore; planned flows pass, the rest is dropped', async () => {
    const dir = render('iptables', '--hook', 'OUTPUT', '--source', `${SOURCE}/32`, ...resolveArgs());
    // The resolved addresses went into the sets, with the resolver named.
    const sets = readFileSync(join(dir, 'emaint-egress.ipset'), 'utf8');
    for (const [host, address] of addressOf) expect(sets, host).toMatch(new RegExp(`^add \\S+ ${address.replace(/\./g, '\\.')} -exist$`, 'm'));
    expect(sets).toContain(`from 127.0.0.1:${resolver.port}`);
    const ns = new Netns();
    const listeners = await listen(ns);
    try {
      const ps = probes();
      // Before any rule: everything connects, so the drops below are the rules' doing.
      expect(new Set(probe(ns, ps))).toEqual(new Set(['ok']));
      siteDefaultDrop(ns, 'iptables');
      applyRendered(ns, 'iptables', dir);
      expectVerdicts(ps, probe(ns, ps));
      // The site's policy is untouched and the chain ends by returning.
      expect(ns.exec('iptables', ['-S', 'OUTPUT'])).toMatch(/^-P OUTPUT DROP$/m);
      expect(ns.exec('iptables', ['-S', 'EMAINT-EGRESS']).trimEnd().split('\n').at(-1)).toBe('-A EMAINT-EGRESS -j RETURN');
      // Re-applying is safe: same verdicts.
      ns.exec('ipset', ['-exist', 'restore'], readFileSync(join(dir, 'emaint-egress.ipset'), 'utf8'));
      ns.exec('iptables-restore', ['--noflush'], readFileSync(join(dir, 'emaint-egress.rules'), 'utf8'));
      expectVerdicts(ps, probe(ns, ps));
    } finally {
      listeners.kill();
      ns.close();
    }
  });

  it('nftables: nft -f into the site table; planned flows pass, the rest is dropped', async () => {
    const dir = render('nftables', '--hook', 'output', '--source', `${SOURCE}/32`, ...resolveArgs());
    const ns = new Netns();
    const listeners = await listen(ns);
    try {
      const ps = probes();
      expect(new Set(probe(ns, ps))).toEqual(new Set(['ok']));
      // The site's own table, with a default-drop output chain.
      siteDefaultDrop(ns, 'nftables');
      applyRendered(ns, 'nftables', dir);
      expectVerdicts(ps, probe(ns, ps));
      expect(ns.exec('nft', ['list', 'chain', 'inet', 'filter', 'output'])).toMatch(/policy drop;/);
      // The accept rules renew the address's timeout and count what they let through: a
      // planned flow's rule shows its packets.
      expect(ns.exec('nft', ['list', 'chain', 'inet', 'filter', 'emaint_egress'])).toMatch(
        /tcp dport 443 update @(\w+) \{ ip daddr \} counter packets [1-9]\d* bytes \d+ accept/,
      );
      // Re-applying is safe: the sets (timeouts and all) are taken as they are, same verdicts.
      applyRendered(ns, 'nftables', dir);
      expectVerdicts(ps, probe(ns, ps));
    } finally {
      listeners.kill();
      ns.close();
    }
  });

  // Without --resolve the sets start empty; the dnsmasq snippet fills them as the
  // devices look names up, which is how the rules stay current on site. dnsmasq fills
  // sets only from answers it forwards (not from its own address= lines), so the site's
  // dnsmasq forwards to an upstream dnsmasq here, as on a real site. In wildcard mode one
  // set per vendor domain must fill from every name below it.
  for (const [target, mode] of [
    ['iptables', 'exact'],
    ['nftables', 'exact'],
    ['iptables', 'wildcard'],
    ['nftables', 'wildcard'],
  ] as const) {
    it(`${target}, ${mode} mode: the dnsmasq snippet fills the sets as names are looked up`, async () => {
      const dir = render(target, '--hook', 'output', '--source', `${SOURCE}/32`, '--mode', mode);
      await inSnippetSite(target, dir, [], async (ns) => {
        // In wildcard mode the IoT endpoint's 8883 is open only to it by name; every other
        // planned flow goes through a vendor-domain set.
        const planned = full.flows.map((f) => ({ host: addressOf.get(f.host) ?? '', port: f.port, from: SOURCE }));
        // Empty sets: nothing passes yet.
        expect(new Set(probe(ns, planned))).toEqual(new Set(['timeout']));
        const site = await startSiteResolver(ns, target, dir);
        try {
          const byName = full.flows.map((f) => ({ host: f.host, port: f.port, from: SOURCE }));
          expect(probe(ns, byName, { dns: '127.0.0.1:53' })).toEqual(byName.map(() => 'ok'));
          // An address no catalogue name resolved to is still dropped.
          expect(probe(ns, [{ host: OUTSIDER, port: 443, from: SOURCE }])).toEqual(['timeout']);
        } finally {
          await site.stop();
        }
      });
    });
  }
  // Set timeouts (a day by default, 2 s here), with the real dnsmasq filling the sets. Found
  // with the real tools: dnsmasq adds an address when it forwards an answer, never when it
  // answers from its cache, so a cache entry that outlived the address would hand devices an
  // address no longer allowed. The snippet caps dnsmasq's cache and the TTLs it hands out
  // one second below the timeout; the upstream here answers with an hour's TTL, which the
  // site's dnsmasq would otherwise keep and serve from its cache.
  for (const target of ['iptables', 'nftables'] as const) {
    it.concurrent(`${target}, set timeout: an idle address expires, traffic renews it, dnsmasq's cache never outlives it`, async ({ expect }) => {
      const dir = render(target, '--hook', 'output', '--source', `${SOURCE}/32`, '--set-timeout', '2s');
      await inSnippetSite(target, dir, ['--local-ttl=3600'], async (ns) => {
        const site = await startSiteResolver(ns, target, dir);
        try {
          const flow = full.flows[0] ?? { host: '', port: 0 };
          const byName = [{ host: flow.host, port: flow.port, from: SOURCE }];
          const byAddress = [{ host: addressOf.get(flow.host) ?? '', port: flow.port, from: SOURCE }];
          // Looked up: dnsmasq adds the address, and the flow passes.
          expect(await probeAsync(ns, byName, { dns: '127.0.0.1:53' })).toEqual(['ok']);
          // The upstream's hour reaches the devices as 1 s at most: no device keeps the answer longer.
          expect(await ttls(ns, '127.0.0.1:5300', flow.host)).toEqual([3600]);
          for (const ttl of await ttls(ns, '127.0.0.1:53', flow.host)) expect(ttl).toBeLessThanOrEqual(1);
          // Traffic renews the address: still allowed well past 2 s after dnsmasq added it.
          for (let i = 0; i < 4; i++) {
            await sleep(700);
            expect(await probeAsync(ns, byAddress), `renewal ${i + 1}`).toEqual(['ok']);
          }
          // Idle for longer than the timeout: the address has left its set, and is dropped.
          await sleep(2600);
          expect(await probeAsync(ns, byAddress)).toEqual(['timeout']);
          // Looked up again: dnsmasq's cache entry has expired too (the upstream said an hour),
          // so dnsmasq forwards the question and adds the address back.
          expect(await probeAsync(ns, byName, { dns: '127.0.0.1:53' })).toEqual(['ok']);
        } finally {
          await site.stop();
        }
      });
    });
  }

  it('set timeout: a day by default in the loaded sets and the dnsmasq caps; none leaves both out', () => {
    const dnsmasqCaps = (dir: string, target: string) =>
      readFileSync(join(dir, `emaint-egress.${target}.dnsmasq.conf`), 'utf8')
        .split('\n')
        .filter((l) => /^max-(cache-)?ttl=/.test(l));
    for (const [timeout, args] of [
      [86400, []],
      [null, ['--set-timeout', 'none']],
    ] as const) {
      const ipt = render('iptables', '--hook', 'output', ...args);
      const nft = render('nftables', '--hook', 'output', ...args);
      const ns = new Netns();
      try {
        siteDefaultDrop(ns, 'iptables');
        applyRendered(ns, 'iptables', ipt);
        const headers = ns.exec('ipset', ['list', '-t']);
        const rules = ns.exec('iptables', ['-S', 'EMAINT-EGRESS']);
        siteDefaultDrop(ns, 'nftables');
        applyRendered(ns, 'nftables', nft);
        const sets = ns
          .exec('nft', ['list', 'sets', 'inet'])
          .split(/\n\s*set /)
          .filter((x) => /emaint_v4_/.test(x));
        const chain = ns.exec('nft', ['list', 'chain', 'inet', 'filter', 'emaint_egress']);
        const accepts = chain.split('\n').filter((l) => / accept /.test(l));
        expect(sets.length).toBeGreaterThan(0);
        expect(accepts.length).toBe(rules.split('\n').filter((l) => l.endsWith('-j ACCEPT')).length);
        if (timeout === null) {
          expect(headers).not.toMatch(/timeout/);
          expect(rules).not.toMatch(/-j SET/);
          for (const set of sets) expect(set).not.toMatch(/timeout/);
          for (const l of accepts) expect(l).not.toMatch(/update @/);
          expect([...dnsmasqCaps(ipt, 'iptables'), ...dnsmasqCaps(nft, 'nftables')]).toEqual([]);
        } else {
          const created = headers.match(/^Header: .*$/gm) ?? [];
          expect(created.length).toBeGreaterThan(0);
          for (const h of created) expect(h).toMatch(/ timeout 86400 /);
          // Each accept has its renewing SET rule just before it, for the same set and port.
          const lines = rules.trimEnd().split('\n');
          for (const [i, l] of lines.entries()) {
            if (!l.endsWith('-j ACCEPT')) continue;
            const match = l.replace(/ -m comment --comment .*$/, '');
            expect(lines[i - 1]?.replace(/ -m comment --comment .* -j SET /, ' -j SET ')).toBe(
              `${match} -j SET --add-set ${/--match-set (\S+)/.exec(l)?.[1]} dst --exist`,
            );
          }
          for (const set of sets) expect(set).toMatch(/flags dynamic,timeout\s+timeout 1d\b/);
          for (const l of accepts) expect(l).toMatch(/daddr @(\w+) tcp dport \d+ update @\1 \{ ip6? daddr \} counter/);
          expect(dnsmasqCaps(ipt, 'iptables')).toEqual(['max-cache-ttl=86399', 'max-ttl=86399']);
          expect(dnsmasqCaps(nft, 'nftables')).toEqual(['max-cache-ttl=86399', 'max-ttl=86399']);
        }
      } finally {
        ns.close();
      }
    }
  });

  it("set timeout: sets made without one refuse it; the README's steps (empty the chain, remove the sets) clear the way", () => {
    const before = {
      iptables: render('iptables', '--hook', 'output', '--set-timeout', 'none'),
      nftables: render('nftables', '--hook', 'output', '--set-timeout', 'none'),
    };
    const after = { iptables: render('iptables', '--hook', 'output'), nftables: render('nftables', '--hook', 'output') };
    const ns = new Netns();
    try {
      applyRendered(ns, 'iptables', before.iptables);
      const sets = readFileSync(join(after.iptables, 'emaint-egress.ipset'), 'utf8');
      expect(ns.try('ipset', ['-exist', 'restore'], sets).stderr).toMatch(/Set cannot be created: set with the same name already exists/);
      ns.exec('iptables', ['-F', 'EMAINT-EGRESS']);
      for (const [, name] of sets.matchAll(/^create (\S+) /gm)) ns.exec('ipset', ['destroy', name ?? '']);
      applyRendered(ns, 'iptables', after.iptables);
      expect(ns.exec('ipset', ['list', '-t']).match(/^Header: .* timeout 86400 /gm)).toHaveLength([...sets.matchAll(/^create /gm)].length);

      ns.exec('nft', ['-f', '-'], 'add table inet filter\nadd chain inet filter output { type filter hook output priority 0; policy accept; }\n');
      applyRendered(ns, 'nftables', before.nftables);
      expect(ns.try('nft', ['-f', join(after.nftables, 'emaint-egress.nft')]).stderr).toMatch(/File exists/);
      ns.exec('nft', ['flush', 'chain', 'inet', 'filter', 'emaint_egress']);
      for (const [, name] of ns.exec('nft', ['list', 'sets', 'inet']).matchAll(/set (emaint_v[46]_\w+)/g))
        ns.exec('nft', ['delete', 'set', 'inet', 'filter', name ?? '']);
      applyRendered(ns, 'nftables', after.nftables);
      expect(ns.exec('nft', ['list', 'sets', 'inet'])).toMatch(/flags dynamic,timeout\s+timeout 1d/);
    } finally {
      ns.close();
    }
  });

  // Where the jump goes: the site's own rules cannot hide it.
  const jumpRender = (target: string, ...args: string[]) => render(target, '--hook', 'output', '--source', `${SOURCE}/32`, ...resolveArgs(), ...args);
  // A site whose output chain ends in a reject (policy accept): a jump appended after it
  // would never be reached, and every planned flow would be refused.
  const planned = () => full.flows.map((f) => ({ host: addressOf.get(f.host) ?? '', port: f.port, from: SOURCE }));

  it('iptables: inserted at the top by default, ahead of the final reject', async () => {
    const dir = jumpRender('iptables');
    const ns = new Netns();
    const listeners = await listen(ns);
    try {
      ns.exec('iptables', ['-A', 'OUTPUT', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT']);
      ns.exec('iptables', ['-A', 'OUTPUT', '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
      expect(new Set(probe(ns, planned()))).toEqual(new Set(['refused']));
      applyRendered(ns, 'iptables', dir);
      expect(probe(ns, planned())).toEqual(planned().map(() => 'ok'));
      expect(ns.exec('iptables', ['-S', 'OUTPUT']).split('\n')[1]).toBe(`-A OUTPUT -s ${SOURCE}/32 -j EMAINT-EGRESS`);
      // Unplanned traffic still meets the site's reject.
      expect(probe(ns, [{ host: OUTSIDER, port: 443, from: SOURCE }])).toEqual(['refused']);
    } finally {
      listeners.kill();
      ns.close();
    }
  });

  it("iptables: --position bottom appends, and the site's reject hides it (so top is the default)", async () => {
    const dir = jumpRender('iptables', '--position', 'bottom');
    expect(readFileSync(join(dir, 'emaint-egress.rules'), 'utf8')).toContain('the traffic.');
    const ns = new Netns();
    const listeners = await listen(ns);
    try {
      ns.exec('iptables', ['-A', 'OUTPUT', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT']);
      ns.exec('iptables', ['-A', 'OUTPUT', '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
      applyRendered(ns, 'iptables', dir);
      expect(new Set(probe(ns, planned()))).toEqual(new Set(['refused']));
    } finally {
      listeners.kill();
      ns.close();
    }
  });

  it("iptables: --position before:N inserts before the site's rule N", async () => {
    const dir = jumpRender('iptables', '--position', 'before:2');
    const ns = new Netns();
    const listeners = await listen(ns);
    try {
      ns.exec('iptables', ['-A', 'OUTPUT', '-d', '127.0.0.1/32', '-j', 'ACCEPT']);
      ns.exec('iptables', ['-A', 'OUTPUT', '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
      applyRendered(ns, 'iptables', dir);
      const rules = ns.exec('iptables', ['-S', 'OUTPUT']).trimEnd().split('\n');
      expect(rules.slice(1)).toEqual([
        '-A OUTPUT -d 127.0.0.1/32 -j ACCEPT',
        `-A OUTPUT -s ${SOURCE}/32 -j EMAINT-EGRESS`,
        '-A OUTPUT -p tcp -j REJECT --reject-with tcp-reset',
      ]);
      expect(probe(ns, planned())).toEqual(planned().map(() => 'ok'));
    } finally {
      listeners.kill();
      ns.close();
    }
  });

  it('nftables: inserted at the top by default, ahead of the final reject', async () => {
    const dir = jumpRender('nftables');
    const ns = new Netns();
    const listeners = await listen(ns);
    try {
      ns.exec(
        'nft',
        ['-f', '-'],
        [
          'add table inet filter',
          'add chain inet filter output { type filter hook output priority 0; policy accept; }',
          'add rule inet filter output ct state established,related accept',
          'add rule inet filter output meta l4proto tcp reject with tcp reset',
        ].join('\n'),
      );
      expect(new Set(probe(ns, planned()))).toEqual(new Set(['refused']));
      applyRendered(ns, 'nftables', dir);
      expect(probe(ns, planned())).toEqual(planned().map(() => 'ok'));
      expect(probe(ns, [{ host: OUTSIDER, port: 443, from: SOURCE }])).toEqual(['refused']);
    } finally {
      listeners.kill();
      ns.close();
    }
  });
});
