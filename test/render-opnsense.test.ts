// The OPNsense target: the alias import and the rules parsed as JSON and checked against the
// constraints of OPNsense's own models (test/helpers/opnsense.ts names the files and the
// commit they were read at); the rules' (host alias x port alias) pairs are exactly the
// planned flows; and the apply script runs with the real curl and jq against a stand-in of
// the OPNsense API on loopback (test/helpers/opnsense-api.ts). No OPNsense runs here.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Plan, plan } from '../src/core/planner.js';
import { catalogue } from './helpers/catalogue.js';
import { cli } from './helpers/cli.js';
import { type Alias, aliasProblems, allowedPairs, descriptionProblem, ruleProblems } from './helpers/opnsense.js';
import { startOpnsenseApi } from './helpers/opnsense-api.js';
import {
  type IotPort,
  PF_SOURCES,
  type PfExpectation,
  PLANS,
  type PlanVariant,
  describeRenderMatrix,
  flowProblems,
  keptFlows,
} from './helpers/render-variants.js';
import { requireSystem } from './helpers/system.js';
import { tempDirs } from './helpers/tmp.js';

const tempDir = tempDirs('ee-opnsense-');
const ALIASES = 'emaint-egress.opnsense-aliases.json';
const RULES = 'emaint-egress.opnsense-rules.json';
const SCRIPT = 'emaint-egress.opnsense-apply.sh';

const INTERFACE = 'opt1';

interface Files {
  aliases: string;
  rules: string;
  script: string;
}

async function render(...args: string[]): Promise<{ code: number; stdout: string; stderr: string; files: Files; dir: string }> {
  const dir = join(tempDir(), 'out');
  const r = await cli('render', '--target', 'opnsense', ...args, '--out', dir);
  const read = (name: string) => (r.code === 0 ? readFileSync(join(dir, name), 'utf8') : '');
  return { ...r, dir, files: { aliases: read(ALIASES), rules: read(RULES), script: read(SCRIPT) } };
}

interface Expectation extends PfExpectation {
  /** The agents of each planned flow, `host|port`. */
  agents: Map<string, string[]>;
}

function expectation(p: Plan, iot: IotPort, sources: string[], ipprotocol: string, iface: string): Expectation {
  const kept = keptFlows(p, iot) ?? [];
  return {
    flows: new Set(kept.map((f) => `${f.host}|${f.port}`)),
    hosts: new Set(p.hosts),
    sources,
    ipprotocol,
    iface,
    agents: new Map(p.flows.map((f) => [`${f.host}|${f.port}`, f.agents])),
  };
}

interface Checked {
  problems: string[];
  aliases: Map<string, Alias>;
  rules: Record<string, string>[];
  pairs: Set<string>;
}

/** Everything that must hold of the two JSON files; returns a list of problems (empty: fine). */
function checkOpnsense(files: Files, want: Expectation): Checked {
  const problems: string[] = [];
  const aliases = new Map<string, Alias>();
  let aliasDoc: Record<string, unknown>;
  let ruleDoc: Record<string, unknown>;
  try {
    aliasDoc = JSON.parse(files.aliases) as Record<string, unknown>;
    ruleDoc = JSON.parse(files.rules) as Record<string, unknown>;
  } catch (e) {
    return { problems: [`not JSON: ${String(e)}`], aliases, rules: [], pairs: new Set() };
  }
  for (const [name, text] of Object.entries(files)) {
    for (const line of text.split('\n')) if (Buffer.byteLength(line) > 1024) problems.push(`${name}: a line of ${Buffer.byteLength(line)} bytes`);
  }
  // The import reads data.aliases.alias, keyed by anything (the export uses uuids).
  const entries = Object.entries(((aliasDoc['aliases'] as Record<string, unknown> | undefined)?.['alias'] ?? {}) as Record<string, unknown>);
  if (entries.length === 0) problems.push('no aliases.alias entries');
  const names = new Set(entries.map(([, a]) => String((a as Alias).name)));
  if (names.size !== entries.length) problems.push('an alias name repeats');
  for (const [key, raw] of entries) {
    problems.push(...aliasProblems(key, raw, names));
    const a = raw as Alias;
    aliases.set(a.name, a);
    if (JSON.stringify(a).includes('*')) problems.push(`alias ${a.name} holds a *`);
    if (a.type === 'host') {
      for (const h of a.content.split('\n'))
        if (!want.hosts.has(h) && !names.has(h)) problems.push(`host alias ${a.name} holds ${h}, which is not a planned host`);
    }
  }
  const list = (ruleDoc['rules'] ?? []) as { why?: unknown; hosts?: unknown; rule?: Record<string, string> }[];
  if (!Array.isArray(list) || list.length === 0) problems.push('no rules');
  const rules = list.map((e) => e.rule ?? {});
  const used = new Set<string>();
  rules.forEach((r, i) => {
    const where = `rule ${i + 1}`;
    problems.push(...ruleProblems(where, r, aliases));
    const fields = { action: 'pass', quick: '1', direction: 'in', protocol: 'TCP', log: '1', interface: want.iface, ipprotocol: want.ipprotocol };
    for (const [f, v] of Object.entries(fields)) if (r[f] !== v) problems.push(`${where}: ${f} ${r[f]}, want ${v}`);
    if (typeof list[i]?.why !== 'string' || !Array.isArray(list[i]?.hosts)) problems.push(`${where}: no "why" and "hosts" beside the rule`);
    const source = r['source_net'] ?? 'any';
    if (want.sources.length === 0 ? source !== 'any' : !aliases.has(source)) problems.push(`${where}: source_net ${source}`);
    for (const f of ['source_net', 'destination_net', 'destination_port']) used.add(r[f] ?? '');
  });
  for (const a of aliases.values()) if (a.type === 'network' || a.type === 'host') for (const e of a.content.split('\n')) used.add(e);
  for (const a of aliases.values()) if (!used.has(a.name)) problems.push(`alias ${a.name} is used by no rule`);

  const { pairs, sources } = allowedPairs(rules, aliases);
  for (const s of sources) if (s.join() !== (want.sources.length ? want.sources : ['any']).join()) problems.push(`a rule's sources are ${s.join(' ')}`);
  // Each rule's description names every agent of every flow it opens.
  rules.forEach((r, i) => {
    const { pairs: own } = allowedPairs([r], aliases);
    const agents = new Set([...own].flatMap((x) => want.agents.get(x) ?? []));
    for (const a of agents) if (!new RegExp(`\\b${a}\\b`).test(r['description'] ?? '')) problems.push(`rule ${i + 1}'s description does not name ${a}`);
  });
  problems.push(...flowProblems(pairs, want.flows));
  return { problems, aliases, rules, pairs };
}

function argv(pv: PlanVariant, mode: string, iot: IotPort | null, source: string | null, iface: string | null): string[] {
  const a = ['--agents', pv.agentsFlag, ...pv.options.map((o) => `--${o}`), '--mode', mode];
  if (iot !== null) a.push('--iot-port', iot);
  if (source !== null) a.push('--source', source);
  if (iface !== null) a.push('--interface', iface);
  return a;
}

const WILDCARD_WARNING = /^warning: OPNsense host aliases do not accept \* wildcards/m;

describe('render --target opnsense', () => {
  describeRenderMatrix({
    argv: (pv, mode, iot, source) => ['render', '--target', 'opnsense', ...argv(pv, mode, iot, source, INTERFACE)],
    sources: PF_SOURCES,
    claim: 'aliases and rules the models accept, exactly the planned flows',
    body: async ({ pv, p, iot, mode, src }) => {
      const r = await render(...argv(pv, mode, iot, src.flag, INTERFACE));
      expect(r.code, r.stderr).toBe(0);
      const want = expectation(p, iot, src.cidrs, src.ipprotocol, INTERFACE);
      const checked = checkOpnsense(r.files, want);
      expect(checked.problems).toEqual([]);
      expect(checked.pairs).toEqual(want.flows);
      // One host alias and one port alias per port set; every planned host in one host alias.
      const hostAliases = [...checked.aliases.values()].filter((a) => a.type === 'host');
      const portAliases = [...checked.aliases.values()].filter((a) => a.type === 'port');
      expect(hostAliases.flatMap((a) => a.content.split('\n')).sort()).toEqual([...new Set([...want.flows].map((f) => f.split('|')[0]))].sort());
      expect(hostAliases).toHaveLength(checked.rules.length);
      expect(portAliases).toHaveLength(checked.rules.length);
      expect([...checked.aliases.values()].filter((a) => a.type === 'network')).toHaveLength(src.cidrs.length ? 1 : 0);
      // 8883 goes only to the IoT endpoint.
      for (const x of checked.pairs) if (x.endsWith('|8883')) expect(x).toBe('a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com|8883');
      if (mode === 'wildcard') expect(r.stderr).toMatch(WILDCARD_WARNING);
      else expect(r.stderr).not.toMatch(WILDCARD_WARNING);
    },
  });

  it('the default interface is lan, and the files say how to apply them', async () => {
    const p = plan(catalogue, { agents: ['cca'], options: [] });
    const r = await render('--agents', 'cca');
    expect(r.code, r.stderr).toBe(0);
    expect(checkOpnsense(r.files, expectation(p, 'both', [], 'inet46', 'lan')).problems).toEqual([]);
    expect(r.stdout).toContain(`${ALIASES}\n      Firewall > Aliases > Import`);
    expect(r.stdout).toContain(`${RULES}\n      after the aliases: post each "rule" to api/firewall/filter/add_rule`);
    expect(readdirSync(r.dir).sort()).toEqual([ALIASES, SCRIPT, RULES].sort());
    expect(r.files.script.startsWith('#!/bin/sh\n# emaint-egress ')).toBe(true);
  });

  it('--interface takes OPNsense identifiers only, and is shared with pfsense in --help', async () => {
    const bad = await render('--agents', 'cca', '--interface', 'LAN');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^emaint-egress render: --interface: 'LAN' is not valid; expected OPNsense's interface identifier: lan, wan or optN .*\n$/);
    const other = await cli('render', '--agents', 'cca', '--target', 'iptables', '--interface', 'lan');
    expect(other.stderr).toMatch(/--interface applies to --target pfsense or opnsense, not iptables/);
    const help = await cli('render', '--help');
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(
      /--interface <name> pfsense: pfSense's internal name .*; opnsense: OPNsense's identifier of the pass rules' interface/,
    );
  });

  it('a long site name of many-byte characters is cut to the 255 bytes of a description; a backslash is refused naming the platform', async () => {
    // 77 characters, 288 bytes in UTF-8.
    const site = `Zürich ${'😀'.repeat(70)}`;
    const r = await render('--agents', 'all', '--cca-activation', '--site', site, '--source', '10.20.0.0/24');
    expect(r.code, r.stderr).toBe(0);
    const p = plan(catalogue, { agents: catalogue.agents.map((a) => a.id), options: ['cca-activation'] });
    const checked = checkOpnsense(r.files, expectation(p, 'both', ['10.20.0.0/24'], 'inet', 'lan'));
    // The rules' descriptions, cut, may lose agent names at their end: only the model's limits are checked here.
    expect(checked.problems.filter((x) => !x.includes('description does not name'))).toEqual([]);
    const descriptions = [...[...checked.aliases.values()].map((a) => a.description), ...checked.rules.map((x) => x['description'])];
    for (const d of descriptions) expect(descriptionProblem(d)).toBeNull();
    expect(descriptions.some((d) => d?.endsWith('…'))).toBe(true);
    expect(descriptions.every((d) => d?.includes('Zürich'))).toBe(true);

    const slash = await render('--agents', 'cca', '--site', 'ACME\\HQ');
    expect(slash.code).toBe(2);
    expect(slash.stdout).toBe('');
    expect(slash.stderr).toMatch(
      /^emaint-egress render: opnsense: the description .* contains a backslash, which would join the next rule to it in OPNsense's pf\.conf\n$/,
    );
  });

  it('500 sources go into parts nested in EMAINT_SRC, every line within 1024 bytes', async () => {
    const v4 = Array.from({ length: 250 }, (_, i) => `10.${Math.floor(i / 200)}.${i % 200}.0/24`);
    const v6 = Array.from({ length: 250 }, (_, i) => `2001:db8:${(i + 1).toString(16)}::/48`);
    const r = await render('--agents', 'rdms', '--source', [...v4, ...v6].join(','));
    expect(r.code, r.stderr).toBe(0);
    const p = plan(catalogue, { agents: ['rdms'], options: [] });
    const checked = checkOpnsense(r.files, expectation(p, 'both', [...v4, ...v6], 'inet46', 'lan'));
    expect(checked.problems).toEqual([]);
    const src = checked.aliases.get('EMAINT_SRC');
    expect(src?.content.split('\n').every((n) => /^EMAINT_SRC_part\d+$/.test(n))).toBe(true);
    expect(src?.content.split('\n').length).toBeGreaterThan(1);
  });

  // The checker itself must catch broken output, or the tests above prove nothing.
  describe('the checker catches broken files', () => {
    const pv = PLANS[0] as PlanVariant;
    const p = plan(catalogue, { agents: pv.agents, options: pv.options });
    const want = expectation(p, 'both', ['10.20.0.0/24'], 'inet', INTERFACE);
    const files = async () => (await render(...argv(pv, 'exact', 'both', '10.20.0.0/24', INTERFACE))).files;
    const problems = (f: Files) => checkOpnsense(f, want).problems.join('\n');

    it('accepts the real output', async () => {
      expect(checkOpnsense(await files(), want).problems).toEqual([]);
    });

    it('an extra port on the 443-only hosts, a wildcard host and a dropped host', async () => {
      const f = await files();
      expect(problems({ ...f, aliases: f.aliases.replace('"content": "443"', '"content": "443\\n8883"') })).toMatch(
        /open flows the plan does not have: .*gdlp01\.c-wss\.com\|8883/,
      );
      const wild = problems({ ...f, aliases: f.aliases.replace('\\ngdlp01.c-wss.com\\n', '\\n*.c-wss.com\\n') });
      expect(wild).toMatch(/"\*\.c-wss\.com" is not valid for a host alias/);
      expect(wild).toMatch(/miss planned flows: gdlp01\.c-wss\.com\|443/);
    });

    it('a bad or reserved alias name, an unknown field, a long description and a bad option value', async () => {
      const f = await files();
      expect(problems({ ...f, aliases: f.aliases.replaceAll('EMAINT_P_443"', '1EMAINT_P_443"') })).toMatch(/does not match the name pattern/);
      expect(
        problems({ ...f, aliases: f.aliases.replace(/"EMAINT_SRC"/g, '"table"').replace(/"source_net": "EMAINT_SRC"/g, '"source_net": "table"') }),
      ).toMatch(/table is a reserved keyword/);
      expect(problems({ ...f, aliases: f.aliases.replace('"enabled": "1",', '"enabled": "1", "comment": "x",') })).toMatch(/unknown field comment/);
      expect(problems({ ...f, rules: f.rules.replace(/"description": "eMaintenance egress/, `"description": "${'x'.repeat(250)}`) })).toMatch(/more than 255/);
      expect(problems({ ...f, rules: f.rules.replace('"direction": "in"', '"direction": "inbound"') })).toMatch(/direction: inbound/);
      expect(problems({ ...f, rules: f.rules.replace('"destination_port": "EMAINT_P_443"', '"destination_port": "EMAINT_H_443"') })).toMatch(
        /is no port, range or port alias/,
      );
      expect(problems({ ...f, rules: f.rules.replace('"protocol": "TCP"', '"protocol": "ICMP"') })).toMatch(/ports only apply to TCP or UDP/);
    });
  });
});

const tools = requireSystem('OPNsense apply script tests', ['sh', 'curl', 'jq']);

/** Runs the rendered script as an engineer would, against the stand-in API. */
function runScript(dir: string, keyFile: string, url: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [join(dir, SCRIPT), keyFile], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', OPNSENSE_URL: url } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe.skipIf(!tools)('the apply script, with curl and jq, against a stand-in OPNsense API on loopback', () => {
  const cases: { label: string; agents: string[]; options: string[] }[] = [
    { label: 'cca', agents: ['cca'], options: [] },
    { label: 'rdms,erds', agents: ['rdms', 'erds'], options: [] },
    { label: 'all + --cca-activation', agents: catalogue.agents.map((a) => a.id), options: ['cca-activation'] },
  ];
  const sources = ['10.20.0.0/24', '2001:db8:20::/64'];

  for (const c of cases) {
    it(`${c.label}, IPv4 + IPv6 sources: imports the aliases, adds every rule, applies; the firewall then allows exactly the plan`, async () => {
      const r = await render('--agents', c.agents.join(','), ...c.options.map((o) => `--${o}`), '--source', sources.join(','), '--interface', 'opt2');
      expect(r.code, r.stderr).toBe(0);
      const api = await startOpnsenseApi();
      try {
        const keyFile = join(tempDir(), 'fw_root_apikey.txt');
        writeFileSync(keyFile, `key=${api.key}\nsecret=${api.secret}\n`);
        const run = await runScript(r.dir, keyFile, api.url);
        expect(run.code, run.stderr).toBe(0);
        const rules = (JSON.parse(r.files.rules) as { rules: unknown[] }).rules;
        expect(api.calls.map((x) => x.path)).toEqual([
          '/api/firewall/alias/import',
          '/api/firewall/alias/reconfigure',
          ...rules.map(() => '/api/firewall/filter/add_rule'),
          '/api/firewall/filter/apply',
        ]);
        expect(api.calls.every((x) => x.ok)).toBe(true);
        expect(run.stdout.split('\n').filter((l) => l.startsWith('ok: '))).toHaveLength(rules.length + 3);
        expect(api.pending).toBe(0);
        const p = plan(catalogue, { agents: c.agents, options: c.options });
        const want = expectation(p, 'both', sources, 'inet46', 'opt2');
        const { pairs, sources: ruleSources } = allowedPairs(api.rules, api.aliases);
        expect(pairs).toEqual(want.flows);
        for (const s of ruleSources) expect(s).toEqual(sources);
        for (const rule of api.rules) expect(rule['interface']).toBe('opt2');
        expect(run.stdout + run.stderr).not.toContain(api.secret);
      } finally {
        await api.close();
      }
    });
  }

  it('stops at the first rule the firewall refuses, before applying, and says which', async () => {
    const r = await render('--agents', 'cca', '--source', '10.20.0.0/24');
    const api = await startOpnsenseApi();
    try {
      api.failRule = 2;
      const keyFile = join(tempDir(), 'key.txt');
      writeFileSync(keyFile, `key=${api.key}\r\nsecret=${api.secret}\r\n`);
      const run = await runScript(r.dir, keyFile, api.url);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^failed: rule eMaintenance egress: tcp\/443, tcp\/8883 .*"result":"failed"/m);
      expect(api.calls.map((x) => x.path)).not.toContain('/api/firewall/filter/apply');
      expect(api.pending).toBe(1);
    } finally {
      await api.close();
    }
  });

  it('refuses a key file that is not OPNsense\u2019s, and stops at a wrong secret', async () => {
    const r = await render('--agents', 'rdms');
    const api = await startOpnsenseApi();
    try {
      const bad = join(tempDir(), 'key.txt');
      writeFileSync(bad, `key=${api.key}\nsecret=a"b\n`);
      const refused = await runScript(r.dir, bad, api.url);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/expected key=\.\.\. and secret=\.\.\. lines as OPNsense writes them/);
      expect(api.calls).toEqual([]);
      const wrong = join(tempDir(), 'key.txt');
      writeFileSync(wrong, `key=${api.key}\nsecret=wrong\n`);
      const denied = await runScript(r.dir, wrong, api.url);
      expect(denied.code).toBe(1);
      expect(denied.stderr).toMatch(/^failed: aliases imported: .*Authentication Failed/m);
      expect(api.aliases.size).toBe(0);
    } finally {
      await api.close();
    }
  });
});
