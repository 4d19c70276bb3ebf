// Hostile text in every free-text option of every target: each value is either refused
// (one line on stderr, exit 2, nothing written) or carried safely, so that the output
// still validates with the platform's own tool and holds exactly the rules it would
// hold for a harmless value.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetOptions } from '../src/cli/render-flags.js';
import { targets } from '../src/core/render/index.js';
import { TARGETS, type TargetId } from '../src/core/render/target.js';
import { cli } from './helpers/cli.js';
import { readAsa } from './helpers/asa.js';
import { readFortiOs } from './helpers/fortios.js';
import { configOf, readPanosXml } from './helpers/panos.js';
import { type Alias, aliasProblems, ruleProblems } from './helpers/opnsense.js';
import { Netns, requireSystem } from './helpers/system.js';

const HOSTILE = [
  'ACME "HQ"',
  "O'Brien & Sons",
  'a\nCOMMIT\n-A OUTPUT -j ACCEPT',
  'x\r\nset rulebase security rules evil action allow',
  '; rm -rf / ; echo',
  '</descr></rule><rule><type>pass</type></rule><descr>',
  '"); return "DIRECT"; ("',
  '*/ return "DIRECT"; /*',
  '-- --> <!-- ',
  'back\\slash \\" \\',
  '$(reboot) `reboot`',
  'both \' and " quotes',
  'bidi \u202e txt',
  '} accept; add rule inet filter output accept; #',
  ']] [ any ] ]]>',
];

// Options that take free text, and the targets they belong to: the shared ones, then every
// target's own options from their declarations (a new option is tried here with no edit).
const OPTIONS: { flag: string; targets: readonly TargetId[] }[] = [
  { flag: '--site', targets: TARGETS },
  { flag: '--source', targets: TARGETS },
  ...targetOptions().map((o) => ({ flag: `--${o.name}`, targets: o.targets })),
  { flag: '--dns-server', targets: TARGETS.filter((t) => targets[t].usesAddresses) },
];

const tools = requireSystem('hostile-input tests (real-tool validation)', ['ip', 'iptables-restore', 'ipset', 'nft', 'pactester', 'squid', 'xmllint'], {
  netns: true,
});

/** Arguments every target needs to render at all. */
function base(target: TargetId): string[] {
  const args = ['render', '--agents', 'all', '--cca-activation', '--target', target];
  if (target === 'pac') args.push('--proxy', 'proxy.example.test:3128');
  if (target === 'iptables' || target === 'nftables') args.push('--hook', 'forward');
  return args;
}

function withOption(args: string[], flag: string, value: string): string[] {
  const out = [...args];
  const i = out.indexOf(flag);
  if (i >= 0) out.splice(i, 2);
  out.push(flag, value);
  if (flag === '--dns-server') out.push('--resolve');
  return out;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function renderTo(args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'ee-hostile-'));
  dirs.push(dir);
  const out = join(dir, 'out');
  const r = await cli(...args, '--out', out);
  const files = existsSync(out) ? Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')])) : {};
  return { ...r, out, files: files as Record<string, string> };
}

/** Lines that are not comments: what the platform executes. */
function code(text: string, comment: RegExp): string[] {
  return text.split('\n').filter((l) => l.trim() !== '' && !comment.test(l));
}

describe.skipIf(!tools)('hostile input', () => {
  let ns: Netns;
  beforeAll(() => {
    ns = new Netns();
  });
  afterAll(() => ns?.close());

  /** Validates one rendering with the real tool and returns a summary that must match the baseline's. */
  function validate(target: TargetId, files: Record<string, string>, label: string | null): unknown {
    switch (target) {
      case 'squid': {
        // squid -k parse on a config that includes the file, as Debian's squid.conf does.
        const dir = mkdtempSync(join(tmpdir(), 'ee-squid-'));
        dirs.push(dir);
        writeFileSync(join(dir, 'emaint.conf'), files['emaint-egress.squid.conf'] ?? '');
        const conf = ['visible_hostname t', 'pid_filename none', 'cache_log /dev/null', 'http_port 127.0.0.1:3999'];
        conf.push('acl SSL_ports port 443', 'http_access deny CONNECT !SSL_ports', `include ${join(dir, 'emaint.conf')}`, 'http_access deny all');
        writeFileSync(join(dir, 'squid.conf'), `${conf.join('\n')}\n`);
        const r = spawnSync('squid', ['-k', 'parse', '-f', join(dir, 'squid.conf')], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        const text = files['emaint-egress.squid.conf'] ?? '';
        if (label !== null) expect(text).toContain(`# site: ${label}`);
        return code(text, /^#/);
      }
      case 'fortigate': {
        const text = files['emaint-egress.fortigate.conf'] ?? '';
        const objects = readFortiOs(text);
        if (label !== null) expect(objects.filter((o) => o.table === 'firewall policy').every((o) => o.props.get('comments')?.[0]?.includes(label))).toBe(true);
        return objects.map((o) => [o.table, o.name, [...o.props.keys()].join(' ')]);
      }
      case 'asa': {
        // The ASA CLI reader: define-before-use, name and remark limits, no '?' or non-ASCII.
        const text = files['emaint-egress.asa.conf'] ?? '';
        const config = readAsa(text);
        const entries = [...config.acls.values()].flat();
        if (label !== null) {
          // Each entry's remarks (wrapped at 100 characters) hold the site name whole.
          const remarks = entries.map((e) => (e.kind === 'remark' ? e.text : '\n')).join(' ');
          for (const block of remarks.split('\n').filter((b) => b.trim() !== '')) expect(block).toContain(label);
        }
        return {
          objects: [...config.objects.values()].map((o) => [o.name, o.family, o.fqdn]),
          groups: [...config.groups.keys()],
          entries: entries.filter((e) => e.kind === 'ace').map((e) => JSON.stringify({ ...e, at: 0 })),
          accessGroups: config.accessGroups,
        };
      }
      case 'csv': {
        // RFC 4180 by a real parser (csv-parse), strict about quotes and column counts.
        const text = files['emaint-egress.csv'] ?? '';
        expect(text.endsWith('\r\n')).toBe(true);
        const [head, ...rows] = parseCsv(text, { record_delimiter: '\r\n' }) as string[][];
        const site = head?.indexOf('site') ?? -1;
        if (label !== null) for (const r of rows) expect(r[site]).toBe(/^[=+\-@\t\r]/.test(label) ? `'${label}` : label);
        return rows.map((r) => r.filter((_, i) => i !== site));
      }
      case 'pfsense': {
        const xml = files['emaint-egress.xml'] ?? '';
        expect(XMLValidator.validate(xml)).toBe(true);
        const doc = new XMLParser({ isArray: (n) => n === 'alias' || n === 'rule' }).parse(xml) as {
          pfsense: { aliases: { alias: { name: string; descr: string }[] }; filter: { rule: { type: string; descr: string }[] } };
        };
        const rules = doc.pfsense.filter.rule;
        // A rule's description is what pf keeps (63 characters); the host aliases hold the label whole.
        for (const r of rules) expect([...String(r.descr)].length).toBeLessThanOrEqual(63);
        const hostAliases = doc.pfsense.aliases.alias.filter((a) => a.name.startsWith('EMAINT_H_'));
        if (label !== null) for (const a of hostAliases) expect(String(a.descr)).toContain(label);
        return { aliases: doc.pfsense.aliases.alias.map((a) => a.name), rules: rules.map((r) => r.type) };
      }
      case 'iptables': {
        ns.try('iptables', ['-F']);
        ns.try('iptables', ['-X']);
        ns.try('ipset', ['destroy']);
        ns.exec('ipset', ['restore'], files['emaint-egress.ipset']);
        ns.exec('iptables-restore', ['--noflush'], files['emaint-egress.rules']);
        return { chain: ns.exec('iptables', ['-S']), sets: ns.exec('ipset', ['list', '-n']) };
      }
      case 'nftables': {
        ns.exec('nft', ['flush', 'ruleset']);
        ns.exec('nft', ['-f', '-'], 'add table inet filter\nadd chain inet filter forward { type filter hook forward priority 0; policy drop; }\n');
        ns.exec('nft', ['-f', '-'], files['emaint-egress.nft']);
        const conf = join(mkdtempSync(join(tmpdir(), 'ee-dnsmasq-')), 'emaint-egress.dnsmasq.conf');
        dirs.push(dirname(conf));
        writeFileSync(conf, files['emaint-egress.nftables.dnsmasq.conf'] ?? '');
        const dnsmasq = spawnSync('dnsmasq', ['--test', `--conf-file=${conf}`], { encoding: 'utf8' });
        expect(dnsmasq.stderr).toMatch(/syntax check OK/);
        return ns.exec('nft', ['list', 'ruleset']);
      }
      case 'panos': {
        const text = files['emaint-egress.set'] ?? '';
        const lines = code(text, /^#/);
        for (const l of lines) {
          expect(l).toMatch(/^(set |move rulebase security rules \S+ (top|bottom|before ))/);
          // Each description is one quoted token at the end of its line, and holds the label whole.
          const m = /^(set .*? description) ("[^"]*"|'[^']*')$/.exec(l);
          if (l.includes(' description ')) {
            expect(m, l).not.toBeNull();
          }
        }
        if (label !== null) expect(lines.filter((l) => l.includes(label)).length).toBeGreaterThan(0);
        // The XML API file: well-formed for libxml2, each description holding the label whole
        // once decoded, and otherwise the same objects and rules as with a harmless value.
        const xml = files['emaint-egress.panos.xml'] ?? '';
        const lint = spawnSync('xmllint', ['--noout', '-'], { input: xml, encoding: 'utf8' });
        expect(lint.status, lint.stderr).toBe(0);
        const read = readPanosXml(xml, null);
        expect(read.problems).toEqual([]);
        if (label !== null) for (const r of read.rules.values()) expect(String(r.props.get('description'))).toContain(label);
        const { objects, rules, moves } = configOf(read.objects, read.rules, read.moves);
        const noDescription = (list: unknown[][]) => list.map((entry) => entry.map((v) => (typeof v === 'object' ? { ...v, description: 'X' } : v)));
        return {
          set: lines.map((l) => l.replace(/ description ("[^"]*"|'[^']*')$/, ' description X')),
          xml: { objects: noDescription(objects), rules: noDescription(rules), moves },
        };
      }
      case 'opnsense': {
        // JSON by a real parser, every alias and rule within the model's constraints, the
        // script's syntax by sh itself (the label is in its comments).
        const aliasDoc = JSON.parse(files['emaint-egress.opnsense-aliases.json'] ?? '') as { aliases: { alias: Record<string, Alias> } };
        const ruleDoc = JSON.parse(files['emaint-egress.opnsense-rules.json'] ?? '') as { rules: { rule: Record<string, string> }[] };
        const entries = Object.entries(aliasDoc.aliases.alias);
        const names = new Set(entries.map(([, a]) => a.name));
        for (const [key, a] of entries) expect(aliasProblems(key, a, names)).toEqual([]);
        const aliases = new Map(entries.map(([, a]) => [a.name, a]));
        for (const [i, r] of ruleDoc.rules.entries()) expect(ruleProblems(`rule ${i + 1}`, r.rule, aliases)).toEqual([]);
        if (label !== null) for (const r of ruleDoc.rules) expect(r.rule['description']).toContain(label);
        const dir = mkdtempSync(join(tmpdir(), 'ee-opnsense-'));
        dirs.push(dir);
        writeFileSync(join(dir, 'apply.sh'), files['emaint-egress.opnsense-apply.sh'] ?? '');
        const sh = spawnSync('sh', ['-n', join(dir, 'apply.sh')], { encoding: 'utf8' });
        expect(sh.status, sh.stderr).toBe(0);
        return {
          aliases: entries.map(([key, a]) => [key, a.name, a.type, a.content]),
          rules: ruleDoc.rules.map((r) => Object.entries(r.rule).filter(([k]) => k !== 'description')),
        };
      }
      case 'pac': {
        const pac = files['emaint-egress.pac'] ?? '';
        new vm.Script(pac); // compiles
        const dir = mkdtempSync(join(tmpdir(), 'ee-pac-'));
        dirs.push(dir);
        const hosts = ['camapi.srv.ygles.com', 'xcamapi.srv.ygles.com', 'gdlp01.c-wss.com', 'example.org'];
        return hosts.map((h) => {
          const r = spawnSync('pactester', ['-p', '/dev/stdin', '-u', `https://${h}/`, '-h', h], { input: pac, encoding: 'utf8' });
          return r.stdout.trim();
        });
      }
    }
  }

  for (const target of TARGETS) {
    for (const { flag, targets } of OPTIONS) {
      if (!targets.includes(target)) continue;
      it(`${target} ${flag}`, async () => {
        const baseArgs = base(target);
        const baseline = await renderTo(flag === '--site' ? withOption(baseArgs, '--site', 'SITE') : baseArgs);
        expect(baseline.code, baseline.stderr).toBe(0);
        const expected = validate(target, baseline.files, null);
        for (const value of HOSTILE) {
          const r = await renderTo(withOption(baseArgs, flag, value));
          if (r.code !== 0) {
            // Refused: one line naming the option, nothing on stdout, nothing written.
            expect(r.code, `${flag} ${JSON.stringify(value)}: ${r.stderr}`).toBe(2);
            expect(r.stdout).toBe('');
            expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
            expect(r.stderr).not.toMatch(/\n\s+at /);
            expect(existsSync(r.out)).toBe(false);
            continue;
          }
          // Accepted (only free text is): same rules as with a harmless value.
          expect(flag, `${flag} accepted ${JSON.stringify(value)}`).toBe('--site');
          const got = validate(target, r.files, value.trim());
          expect(got).toEqual(expected);
        }
      });
    }

    // A site endpoint's reason and requester (profile text) reach every target's comments and
    // descriptions: refused in one line, or carried so that the platform's tool takes the file
    // and it holds the same rules as with a harmless text.
    it(`${target} site endpoint reason and requester`, async () => {
      const withEndpoint = (reason: string, requestedBy: string) => {
        const dir = mkdtempSync(join(tmpdir(), 'ee-hostile-profile-'));
        dirs.push(dir);
        const file = join(dir, 'site.json');
        const endpoints = [{ host: 'fw.canon-regional.example', ports: [443, 9443], reason, requestedBy }];
        writeFileSync(file, JSON.stringify({ format: 'emaint-egress-profile', version: 1, agents: ['cca'], endpoints }));
        return [...base(target), '--profile', file];
      };
      // The CSV carries the texts in its source column: compared without it.
      const rules = (files: Record<string, string>) => {
        const got = validate(target, files, null);
        return target === 'csv' ? (got as string[][]).map((row) => row.slice(0, -1)) : got;
      };
      const baseline = await renderTo(withEndpoint('REASON', 'WHO'));
      expect(baseline.code, baseline.stderr).toBe(0);
      const expected = rules(baseline.files);
      expect(Object.values(baseline.files).join('\n')).toContain('fw.canon-regional.example');
      for (const value of HOSTILE) {
        for (const r of [await renderTo(withEndpoint(value, 'WHO')), await renderTo(withEndpoint('REASON', value))]) {
          if (r.code !== 0) {
            expect(r.code, `${JSON.stringify(value)}: ${r.stderr}`).toBe(2);
            expect(r.stdout).toBe('');
            expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
            expect(existsSync(r.out)).toBe(false);
            continue;
          }
          expect(rules(r.files)).toEqual(expected);
        }
      }
    });
  }
});
