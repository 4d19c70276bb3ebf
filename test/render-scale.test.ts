// A big site: 500 source networks (IPv4 and IPv6), the longest site name allowed and
// every agent, rendered for every target in both modes, and each file loaded by the
// platform's own tool: a file a tool rejects can take a customer's DNS or firewall down.
// Every line of the text targets also stays within 1024 bytes, the smallest line buffer
// among those tools (dnsmasq, ipset).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARGETS, type TargetId } from '../src/core/render/target.js';
import { readAsa } from './helpers/asa.js';
import { cli } from './helpers/cli.js';
import { readPanosXml } from './helpers/panos.js';
import { type Alias, aliasProblems, expand, ruleProblems } from './helpers/opnsense.js';
import { Netns, requireSystem } from './helpers/system.js';

const tools = requireSystem(
  'render tests at scale (real-tool validation)',
  ['ip', 'iptables-restore', 'ip6tables-restore', 'ipset', 'nft', 'dnsmasq', 'pactester', 'xmllint'],
  {
    netns: true,
  },
);

const V4 = Array.from({ length: 250 }, (_, i) => `10.${Math.floor(i / 200)}.${i % 200}.0/24`);
const V6 = Array.from({ length: 250 }, (_, i) => `2001:db8:${(i + 1).toString(16)}::/48`);
const SOURCES = [...V4, ...V6].join(',');
const SITE = `ACME ${'Utrecht '.repeat(9)}`.slice(0, 80).trim();
const MAX_LINE = 1024;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function render(target: TargetId, mode: string): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'ee-scale-'));
  dirs.push(dir);
  const args = ['render', '--agents', 'all', '--cca-activation', '--target', target, '--mode', mode, '--source', SOURCES, '--site', SITE, '--out', dir];
  if (target === 'pac') args.push('--proxy', 'proxy.example.test:3128');
  if (target === 'iptables' || target === 'nftables') args.push('--hook', 'forward');
  const r = await cli(...args);
  expect(r.code, r.stderr).toBe(0);
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

function dnsmasqTest(text: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'ee-scale-dnsmasq-'));
  dirs.push(dir);
  const conf = join(dir, 'snippet.conf');
  writeFileSync(conf, text);
  const r = spawnSync('dnsmasq', ['--test', `--conf-file=${conf}`], { encoding: 'utf8' });
  expect(r.stderr).toMatch(/syntax check OK/);
}

describe.skipIf(!tools)('every target with 500 sources, a long site name and all agents loads in its tool', () => {
  let ns: Netns;
  beforeAll(() => {
    ns = new Netns();
  });
  afterAll(() => ns?.close());

  for (const target of TARGETS) {
    for (const mode of ['exact', 'wildcard']) {
      it(`${target}, ${mode} mode`, async () => {
        const files = await render(target, mode);
        for (const [name, text] of Object.entries(files)) {
          if (name.endsWith('.xml')) continue;
          for (const line of text.split('\n')) expect(Buffer.byteLength(line), `${name}: ${line.slice(0, 80)}...`).toBeLessThanOrEqual(MAX_LINE);
        }
        for (const [name, text] of Object.entries(files)) if (name.endsWith('dnsmasq.conf')) dnsmasqTest(text);
        switch (target) {
          case 'iptables': {
            ns.try('iptables', ['-F']);
            ns.try('iptables', ['-X']);
            ns.try('ip6tables', ['-F']);
            ns.try('ip6tables', ['-X']);
            ns.try('ipset', ['destroy']);
            ns.exec('ipset', ['restore'], files['emaint-egress.ipset']);
            ns.exec('ipset', ['restore'], files['emaint-egress.v6.ipset']);
            ns.exec('iptables-restore', ['--noflush'], files['emaint-egress.rules']);
            ns.exec('ip6tables-restore', ['--noflush'], files['emaint-egress.v6.rules']);
            // One jump per source network of the family.
            expect(ns.exec('iptables', ['-S', 'FORWARD']).match(/-j EMAINT-EGRESS/g)).toHaveLength(V4.length);
            expect(ns.exec('ip6tables', ['-S', 'FORWARD']).match(/-j EMAINT-EGRESS/g)).toHaveLength(V6.length);
            break;
          }
          case 'nftables': {
            ns.exec('nft', ['flush', 'ruleset']);
            ns.exec('nft', ['-f', '-'], 'add table inet filter\nadd chain inet filter forward { type filter hook forward priority 0; policy drop; }\n');
            ns.exec('nft', ['-f', '-'], files['emaint-egress.nft']);
            expect(ns.exec('nft', ['list', 'chain', 'inet', 'filter', 'forward'])).toMatch(
              /ip saddr @emaint_src_v4 jump emaint_egress[\s\S]*ip6 saddr @emaint_src_v6 jump emaint_egress|ip6 saddr @emaint_src_v6 jump emaint_egress[\s\S]*ip saddr @emaint_src_v4 jump emaint_egress/,
            );
            // Every source network is in its set (auto-merge may join neighbours into ranges).
            const has = (set: string, address: string) => ns.try('nft', ['get', 'element', 'inet', 'filter', set, `{ ${address} }`]).status === 0;
            for (const cidr of V4) expect(has('emaint_src_v4', cidr.replace(/0\/24$/, '7')), cidr).toBe(true);
            for (const cidr of V6) expect(has('emaint_src_v6', cidr.replace(/::\/48$/, '::7')), cidr).toBe(true);
            expect(has('emaint_src_v4', '10.9.0.7')).toBe(false);
            break;
          }
          case 'pfsense': {
            const xml = files['emaint-egress.xml'] ?? '';
            expect(XMLValidator.validate(xml)).toBe(true);
            const doc = new XMLParser({ isArray: (n) => n === 'alias' || n === 'rule' }).parse(xml) as {
              pfsense: { aliases: { alias: { name: string; address: string }[] } };
            };
            const src = doc.pfsense.aliases.alias.find((a) => a.name === 'EMAINT_SRC');
            expect(String(src?.address).split(' ')).toHaveLength(500);
            break;
          }
          case 'panos': {
            const lines = (files['emaint-egress.set'] ?? '').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
            for (const l of lines) expect(l).toMatch(/^(set |move rulebase security rules )/);
            // Every source network is an object, and every object is in the sources group.
            const objects = lines.filter((l) => /^set address emaint-src-\d+ ip-netmask /.test(l));
            expect(objects).toHaveLength(500);
            const members = lines
              .filter((l) => l.startsWith('set address-group emaint-sources static '))
              .flatMap((l) => l.replace(/^.*static \[ (.*) \]$/, '$1').split(' '));
            expect(new Set(members).size).toBe(500);
            // The XML API file: well-formed, with the same 500 sources in one group.
            const xml = files['emaint-egress.panos.xml'] ?? '';
            const lint = spawnSync('xmllint', ['--noout', '-'], { input: xml, encoding: 'utf8' });
            expect(lint.status, lint.stderr).toBe(0);
            const read = readPanosXml(xml, null);
            expect(read.problems).toEqual([]);
            expect([...read.objects.values()].filter((o) => o.props.has('ip-netmask'))).toHaveLength(500);
            expect(new Set(read.objects.get('emaint-sources')?.props.get('static'))).toEqual(new Set(members));
            break;
          }
          case 'opnsense': {
            // The sources go into parts nested in EMAINT_SRC; every alias and rule stays within the model.
            const doc = JSON.parse(files['emaint-egress.opnsense-aliases.json'] ?? '') as { aliases: { alias: Record<string, Alias> } };
            const entries = Object.entries(doc.aliases.alias);
            const names = new Set(entries.map(([, a]) => a.name));
            for (const [key, a] of entries) expect(aliasProblems(key, a, names)).toEqual([]);
            const aliases = new Map(entries.map(([, a]) => [a.name, a]));
            expect(expand('EMAINT_SRC', aliases).sort()).toEqual([...V4, ...V6].sort());
            const rules = JSON.parse(files['emaint-egress.opnsense-rules.json'] ?? '') as { rules: { rule: Record<string, string> }[] };
            for (const [i, r] of rules.rules.entries()) expect(ruleProblems(`rule ${i + 1}`, r.rule, aliases)).toEqual([]);
            const dir = mkdtempSync(join(tmpdir(), 'ee-scale-opnsense-'));
            dirs.push(dir);
            writeFileSync(join(dir, 'apply.sh'), files['emaint-egress.opnsense-apply.sh'] ?? '');
            expect(spawnSync('sh', ['-n', join(dir, 'apply.sh')], { encoding: 'utf8' }).status).toBe(0);
            break;
          }
          case 'asa': {
            // The reader enforces the ASA's limits (names, remarks, descriptions) and
            // define-before-use; every source network is one network-object line of its family's group.
            const config = readAsa(files['emaint-egress.asa.conf'] ?? '');
            const members = (name: string) => {
              const g = config.groups.get(name);
              return g?.kind === 'network-group' ? g.members.map((m) => ('cidr' in m ? m.cidr : '')) : [];
            };
            expect(members('emaint-src-v4')).toEqual(V4);
            expect(members('emaint-src-v6')).toEqual(V6);
            break;
          }
          case 'pac': {
            const dir = mkdtempSync(join(tmpdir(), 'ee-scale-pac-'));
            dirs.push(dir);
            writeFileSync(join(dir, 'emaint.pac'), files['emaint-egress.pac'] ?? '');
            const r = spawnSync('pactester', ['-p', join(dir, 'emaint.pac'), '-u', 'https://camapi.srv.ygles.com/', '-h', 'camapi.srv.ygles.com'], {
              encoding: 'utf8',
            });
            expect(r.stderr).toBe('');
            expect(r.stdout.trim()).toBe('PROXY proxy.example.test:3128');
            break;
          }
        }
      });
    }
  }
});
