// A site's own endpoints (a profile's "endpoints") in every target: each host is written,
// marked site-specific with its reason and requester, in objects of its own (never in a
// catalogue group, never with the catalogue's provenance), within the line limits at their
// longest; and, applied with the real iptables and nftables in a namespace, the site's port
// passes while its other ports stay closed.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plan } from '../src/core/planner.js';
import { TARGETS, type TargetId } from '../src/core/render/target.js';
import { ENDPOINT_LIMITS } from '../src/core/site-endpoints.js';
import { catalogue } from './helpers/catalogue.js';
import { cli } from './helpers/cli.js';
import { type Dnsmasq, startDnsmasq } from './helpers/dnsmasq.js';
import { Netns, requireSystem } from './helpers/system.js';
import { tempDirs } from './helpers/tmp.js';

const tmp = tempDirs('ee-site-endpoints-');
const FW = 'fw.canon-regional.example';
const DIAG = 'diag.canon-regional.example';
const ENDPOINTS = [
  { host: FW, ports: [443, 8443], reason: 'regional firmware server', requestedBy: 'J. Jansen, Canon NL' },
  { host: DIAG, ports: [9000], reason: 'remote diagnostics', requestedBy: 'Canon NL service desk' },
];
const SITE_HOSTS = ENDPOINTS.map((e) => e.host);
const CCA = plan(catalogue, { agents: ['cca'] });
const SEED_FILES = catalogue.sources.map((s) => s.file);

function profile(endpoints: unknown[], extra: Record<string, unknown> = {}): string {
  const file = join(tmp(), 'site.json');
  writeFileSync(file, JSON.stringify({ format: 'emaint-egress-profile', version: 1, agents: ['cca'], site: 'ACME', endpoints, ...extra }));
  return file;
}

function targetArgs(target: TargetId): string[] {
  if (target === 'pac') return ['--proxy', 'proxy.example.test:3128'];
  if (target === 'iptables' || target === 'nftables') return ['--hook', 'forward'];
  return [];
}

async function render(target: TargetId, file: string, ...args: string[]): Promise<Record<string, string>> {
  const out = join(tmp(), target);
  const r = await cli('render', '--profile', file, '--target', target, '--out', out, ...targetArgs(target), ...args);
  expect(r.code, r.stderr).toBe(0);
  return Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]));
}

describe('site endpoints in every target', () => {
  for (const target of TARGETS) {
    for (const mode of ['exact', 'wildcard'] as const) {
      it(`${target}, ${mode} mode: written, marked site-specific with why and who, apart from the catalogue's`, async () => {
        const files = await render(target, profile(ENDPOINTS), '--mode', mode);
        const all = Object.values(files).join('\n');
        for (const e of ENDPOINTS) {
          expect(all, e.host).toContain(e.host);
          // Each endpoint's reason and requester, with the mark, on one line (XML escapes the ').
          const marked = all.split('\n').filter((l) => l.includes(e.reason) && l.includes(e.requestedBy));
          expect(marked.length, `${target}: ${e.host}`).toBeGreaterThan(0);
          for (const l of marked) expect(l).toMatch(/site-specific \(not in the Canon catalogue\)/);
        }
        for (const [name, text] of Object.entries(files)) {
          const lines = text.split('\n');
          // A site host never shares a line (an alias, an acl, a group, a CSV row) with a
          // catalogue host, nor with the catalogue's documents.
          for (const l of lines.filter((x) => SITE_HOSTS.some((h) => x.includes(h)))) {
            expect(
              CCA.hosts.filter((h) => l.includes(h)),
              `${name}: ${l}`,
            ).toEqual([]);
            expect(
              SEED_FILES.filter((f) => l.includes(f)),
              `${name}: ${l}`,
            ).toEqual([]);
          }
          // The header names them as the site's.
          if (target !== 'csv') expect(text, name).toContain('site-specific endpoints (not in the Canon catalogue):');
        }
      });
    }
  }

  it('each group-based target puts the site hosts in objects of their own, named as such', async () => {
    const file = profile(ENDPOINTS);
    const pfsense = (await render('pfsense', file))['emaint-egress.xml'] ?? '';
    expect(pfsense).toContain(`<name>EMAINT_SH_443_8443</name>\n\t\t\t<type>host</type>\n\t\t\t<address>${FW}</address>`);
    expect(pfsense).toContain(`<name>EMAINT_SH_9000</name>\n\t\t\t<type>host</type>\n\t\t\t<address>${DIAG}</address>`);
    expect(pfsense).toMatch(/<address>EMAINT_SH_9000<\/address>\n\t+<port>EMAINT_SP_9000<\/port>/);
    const squid = (await render('squid', file))['emaint-egress.squid.conf'] ?? '';
    expect(squid).toContain(
      `acl emaint_dst_site_443_8443 dstdomain ${FW}\nhttp_access allow emaint_connect emaint_port_site_443_8443 emaint_dst_site_443_8443`,
    );
    // CONNECT to the site's own ports must pass Squid's SSL_ports and Safe_ports.
    expect(squid).toMatch(/acl SSL_ports port 9000\nacl Safe_ports port 9000/);
    const panos = (await render('panos', file))['emaint-egress.set'] ?? '';
    expect(panos).toContain('set address-group emaint-site-hosts-tcp-9000 static [ emaint-diag_canon-regional_example ]');
    expect(panos).toMatch(/set rulebase security rules emaint-site-tcp-443-8443 .* destination \[ emaint-site-hosts-tcp-443-8443 \]/);
    const forti = (await render('fortigate', file))['emaint-egress.fortigate.conf'] ?? '';
    expect(forti).toMatch(/edit "emaint-site-hosts-tcp-9000"\n\s+set member "emaint-diag\.canon-regional\.example"/);
    const csv = (await render('csv', file))['emaint-egress.csv'] ?? '';
    expect(csv).toContain(
      `${DIAG},tcp,9000,stated,,${DIAG},,no,ACME,site-specific (not in the Canon catalogue): remote diagnostics; asked by Canon NL service desk\r\n`,
    );
  });

  // pfsense/firewall_aliases_edit.php reads an alias's details with explode("||", ...), one per address.
  it('pfSense: a reason holding "||" cannot add a detail to the alias, one per address', async () => {
    const files = await render('pfsense', profile([{ ...ENDPOINTS[0], reason: 'a || b ||| c' }, ENDPOINTS[1]]));
    const xml = files['emaint-egress.xml'] ?? '';
    const alias =
      /<name>EMAINT_SH_443_8443<\/name>\s*<type>host<\/type>\s*<address>([^<]*)<\/address>\s*<descr>[^<]*<\/descr>\s*<detail>([^<]*)<\/detail>/.exec(xml);
    expect(alias?.[2]).toContain('a | | b | | | c');
    expect(alias?.[2]?.split('||')).toHaveLength(alias?.[1]?.split(' ').length ?? 0);
  });

  it('plan shows them as NEEDED BY site, after the catalogue, and lists why and who', async () => {
    const r = await cli('plan', '--profile', profile(ENDPOINTS));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Egress plan for cca \(catalogue 1\.0\.0\)\n12 flows to 10 hosts/);
    const rows = r.stdout.split('\n').filter((l) => /tcp\/\d+/.test(l) && !l.startsWith('-'));
    expect(rows.slice(-3).map((l) => l.split(/\s+/))).toEqual([
      [DIAG, 'tcp/9000', 'site'],
      [FW, 'tcp/443', 'site'],
      [FW, 'tcp/8443', 'site'],
    ]);
    expect(r.stdout.replace(/\n +/g, ' ')).toContain(`- ${FW} tcp/443, tcp/8443: regional firmware server (asked by J. Jansen, Canon NL)`);
    const json = JSON.parse((await cli('plan', '--profile', profile(ENDPOINTS), '--json')).stdout) as {
      flows: { host: string; agents: string[]; provenance: unknown[]; site: unknown }[];
      endpoints: unknown[];
      wildcards: { covers: string[] }[];
    };
    const site = json.flows.filter((f) => f.site !== null);
    expect(site.map((f) => f.host)).toEqual([DIAG, FW, FW]);
    for (const f of site) expect(f).toMatchObject({ agents: [], provenance: [] });
    expect(json.flows.filter((f) => f.site === null).every((f) => f.provenance.length > 0)).toBe(true);
    expect(json.endpoints).toHaveLength(2);
    // No vendor wildcard counts them among what it covers.
    expect(json.wildcards.flatMap((w) => w.covers).filter((h) => SITE_HOSTS.includes(h))).toEqual([]);
  });

  // 4-byte characters are the longest UTF-8; quotes are the longest in XML (&quot;).
  it.each([
    ['4-byte characters', '𝔯', '𝔴'],
    ['quotes', '"', '"'],
  ])('at their longest (a 253-character host, 6 ports, texts of %s) every line of every file stays within 1024 bytes', async (_what, r, w) => {
    const longHost = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(longHost).toHaveLength(253);
    const file = profile([
      {
        host: longHost,
        ports: [65530, 65531, 65532, 65533, 65534, 65535],
        reason: r.repeat(60),
        requestedBy: w.repeat(40),
      },
    ]);
    for (const target of TARGETS) {
      if (target === 'fortigate' && r === '"') {
        // FortiOS's CLI escapes differ between versions: a quote is refused, naming the platform.
        expect((await cli('render', '--profile', file, '--target', target)).stderr).toMatch(/^emaint-egress render: FortiOS: .* holds a quote/);
        continue;
      }
      if (target === 'asa' && r !== '"') {
        // The ASA CLI takes printable ASCII: other text is refused, naming the platform.
        expect((await cli('render', '--profile', file, '--target', target)).stderr).toMatch(
          /^emaint-egress render: ASA: .* this target writes printable ASCII only\n$/,
        );
        continue;
      }
      const files = await render(target, file);
      for (const [name, text] of Object.entries(files)) {
        expect(text, `${target} ${name}`).toContain(longHost);
        for (const line of text.split('\n')) expect(Buffer.byteLength(line), `${target} ${name}: ${line.slice(0, 80)}`).toBeLessThanOrEqual(1024);
      }
    }
  });
});

const PEER = fileURLToPath(new URL('./helpers/netns-peer.mjs', import.meta.url));
const tools = requireSystem('site endpoints enforced by iptables and nftables', ['ip', 'iptables-restore', 'ip6tables-restore', 'ipset', 'nft', 'dnsmasq'], {
  netns: true,
});

describe.skipIf(!tools)('site endpoints enforced in a network namespace', () => {
  // The site host and a catalogue host each on a loopback address of their own.
  const addresses = new Map([
    [FW, '127.0.2.1'],
    [DIAG, '127.0.2.2'],
    [CCA.hosts[0] ?? '', '127.0.2.3'],
  ]);
  let resolver: Dnsmasq;
  beforeAll(async () => {
    resolver = await startDnsmasq({ addresses });
  });
  afterAll(async () => resolver?.stop());

  // The most endpoints a profile takes, with every agent: over 100 names, so over 100 sets,
  // each set name still within ipset's 31 characters, and every file loaded by its tool.
  it('the most endpoints a profile takes, with every agent: the sets and rules load in ipset, iptables, nft and dnsmasq', async () => {
    const many = Array.from({ length: ENDPOINT_LIMITS.endpoints }, (_, i) => ({
      host: `host-${i}.site-${i}.canon-regional.example`,
      ports: [1024 + i],
      reason: 'regional service',
      requestedBy: 'Canon NL',
    }));
    const file = profile(many);
    const iptables = await render('iptables', file, '--agents', 'all', '--source', '10.20.0.0/24,2001:db8:20::/64');
    const nftables = await render('nftables', file, '--agents', 'all', '--source', '10.20.0.0/24,2001:db8:20::/64');
    const created = (iptables['emaint-egress.ipset'] ?? '').split('\n').filter((l) => l.startsWith('create '));
    expect(created.length).toBeGreaterThan(ENDPOINT_LIMITS.endpoints);
    const ns = new Netns();
    try {
      ns.exec('ipset', ['restore'], iptables['emaint-egress.ipset']);
      ns.exec('ipset', ['restore'], iptables['emaint-egress.v6.ipset']);
      ns.exec('iptables-restore', ['--noflush'], iptables['emaint-egress.rules']);
      ns.exec('ip6tables-restore', ['--noflush'], iptables['emaint-egress.v6.rules']);
      expect(ns.exec('ipset', ['list', '-n']).trim().split('\n')).toHaveLength(2 * created.length);
      ns.exec('nft', ['-f', '-'], 'add table inet filter\nadd chain inet filter forward { type filter hook forward priority 0; policy drop; }\n');
      ns.exec('nft', ['-f', '-'], nftables['emaint-egress.nft']);
      expect(ns.exec('nft', ['list', 'table', 'inet', 'filter']).match(/set emaint_v[46]_/g)).toHaveLength(2 * created.length);
    } finally {
      ns.close();
    }
    for (const [name, text] of [...Object.entries(iptables), ...Object.entries(nftables)].filter(([n]) => n.endsWith('dnsmasq.conf'))) {
      const conf = join(tmp(), name);
      writeFileSync(conf, text);
      expect(spawnSync('dnsmasq', ['--test', `--conf-file=${conf}`], { encoding: 'utf8' }).stderr, name).toMatch(/syntax check OK/);
    }
  });

  for (const target of ['iptables', 'nftables'] as const) {
    it(`${target}: the site's ports pass, its other ports and an address outside the plan stay closed`, async () => {
      const file = profile(ENDPOINTS);
      const files = await render(target, file, '--hook', 'output', '--source', '127.0.0.1/32', '--resolve', '--dns-server', `127.0.0.1:${resolver.port}`);
      const ns = new Netns();
      let listeners: ChildProcess | undefined;
      try {
        const spec = [...addresses.values()].flatMap((a) => [443, 8443, 9000].map((p) => [a, p]));
        listeners = spawn('ip', ['netns', 'exec', ns.name, process.execPath, PEER, 'listen', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
        await new Promise<void>((resolve, reject) => {
          listeners?.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
          listeners?.on('exit', (code) => reject(new Error(`listeners exited with ${code}`)));
        });
        if (target === 'iptables') {
          ns.exec('iptables', ['-P', 'OUTPUT', 'DROP']);
          ns.exec('iptables', ['-A', 'OUTPUT', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT']);
          ns.exec('ipset', ['restore'], files['emaint-egress.ipset']);
          ns.exec('iptables-restore', ['--noflush'], files['emaint-egress.rules']);
        } else {
          ns.exec(
            'nft',
            ['-f', '-'],
            'add table inet filter\nadd chain inet filter output { type filter hook output priority 0; policy drop; }\nadd rule inet filter output ct state established,related accept\n',
          );
          ns.exec('nft', ['-f', '-'], files['emaint-egress.nft']);
        }
        const at = (host: string, port: number) => ({ host: addresses.get(host) ?? '', port, from: '127.0.0.1' });
        const cases = [
          [at(FW, 443), 'ok'],
          [at(FW, 8443), 'ok'],
          [at(DIAG, 9000), 'ok'],
          [at(DIAG, 443), 'timeout'],
          [at(FW, 9000), 'timeout'],
          [at(CCA.hosts[0] ?? '', 443), 'ok'],
          [at(CCA.hosts[0] ?? '', 9000), 'timeout'],
        ] as const;
        const got = JSON.parse(ns.exec(process.execPath, [PEER, 'probe', JSON.stringify({ timeout: 700, targets: cases.map(([t]) => t) })])) as string[];
        expect(got).toEqual(cases.map(([, verdict]) => verdict));
      } finally {
        listeners?.kill();
        ns.close();
      }
    });
  }
});
