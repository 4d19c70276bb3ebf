// The pfSense target: a config.xml fragment, parsed as XML and checked against the plan.
// Least privilege: the rules' (host alias x port alias) pairs are exactly the planned
// (host, port) flows after the --iot-port choice, no more and no fewer.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { type Plan, plan } from '../src/core/planner.js';
import { parseIp } from '../src/core/site.js';
import { catalogue } from './helpers/catalogue.js';
import { cli } from './helpers/cli.js';
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

const INTERFACE = 'opt1';

/** The plan's (host, port) flows after the --iot-port choice, or null when the CLI must refuse it. */
function expectedFlows(p: Plan, iotPort: IotPort): Set<string> | null {
  const kept = keptFlows(p, iotPort);
  return kept === null ? null : new Set(kept.map((f) => `${f.host}|${f.port}`));
}

const parser = new XMLParser({
  // Keep every value as text: a tracker or a port alias of "443" must not turn into a number.
  parseTagValue: false,
  ignoreAttributes: true,
  trimValues: true,
  isArray: (name) => name === 'alias' || name === 'rule',
});

interface Alias {
  name: string;
  type: string;
  address: string;
  descr: string;
  detail: string;
}
interface Endpoint {
  address?: string;
  port?: string;
  any?: string;
}
interface RuleXml {
  tracker: string;
  type: string;
  interface: string;
  ipprotocol: string;
  protocol: string;
  source: Endpoint;
  destination: Endpoint;
  descr: string;
}

function words(s: string): string[] {
  return s.split(/\s+/).filter((w) => w !== '');
}

const isIpOrCidr = (s: string) => {
  const [addr, prefix, ...rest] = s.split('/');
  return rest.length === 0 && addr !== undefined && parseIp(addr) !== null && (prefix === undefined || /^\d{1,3}$/.test(prefix));
};
const isPortOrRange = (s: string) => /^\d{1,5}(:\d{1,5})?$/.test(s);

interface Checked {
  problems: string[];
  aliases: Alias[];
  rules: RuleXml[];
  pairs: Set<string>;
}

/** Everything that must hold of a pfSense fragment; returns a list of problems (empty: fine). */
function checkPfsense(xml: string, want: PfExpectation): Checked {
  const problems: string[] = [];
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { problems: [`not well-formed XML: ${JSON.stringify(valid)}`], aliases: [], rules: [], pairs: new Set() };
  const doc = parser.parse(xml) as Record<string, unknown>;
  const roots = Object.keys(doc).filter((k) => k !== '?xml');
  if (roots.join() !== 'pfsense') problems.push(`root elements: ${roots.join(', ')}`);
  const root = (doc['pfsense'] ?? {}) as { aliases?: { alias?: Alias[] }; filter?: { rule?: RuleXml[] } };
  const aliases = root.aliases?.alias ?? [];
  const rules = root.filter?.rule ?? [];
  if (aliases.length === 0) problems.push('no <aliases><alias>');
  if (rules.length === 0) problems.push('no <filter><rule>');

  const byName = new Map<string, Alias>();
  for (const a of aliases) {
    if (typeof a.name !== 'string' || !/^[A-Za-z0-9_]{1,31}$/.test(a.name)) problems.push(`alias name ${JSON.stringify(a.name)} is not valid`);
    if (byName.has(a.name)) problems.push(`alias ${a.name} is defined twice`);
    byName.set(a.name, a);
    if (!['host', 'port', 'network'].includes(a.type)) problems.push(`alias ${a.name} has type ${a.type}`);
    for (const [field, value] of Object.entries(a)) {
      if (String(value).includes('*')) problems.push(`alias ${a.name} has a * in <${field}>`);
    }
    const addresses = words(a.address ?? '');
    if (addresses.length === 0) problems.push(`alias ${a.name} is empty`);
    if (new Set(addresses).size !== addresses.length) problems.push(`alias ${a.name} repeats an address`);
    const details = String(a.detail ?? '').split('||');
    if (details.length !== addresses.length) problems.push(`alias ${a.name}: ${addresses.length} addresses but ${details.length} detail entries`);
    if (details.some((d) => d.trim() === '')) problems.push(`alias ${a.name} has an empty detail entry`);
    if (typeof a.descr !== 'string' || a.descr.trim() === '') problems.push(`alias ${a.name} has no descr`);
    if (a.type === 'host') {
      for (const h of addresses) if (!want.hosts.has(h)) problems.push(`host alias ${a.name} holds ${h}, which is not a planned host`);
    }
    if (a.type === 'port') {
      for (const port of addresses) if (!isPortOrRange(port)) problems.push(`port alias ${a.name} holds ${port}`);
    }
    if (a.type === 'network') {
      for (const n of addresses) if (!isIpOrCidr(n)) problems.push(`network alias ${a.name} holds ${n}`);
    }
  }

  /** The values an endpoint field stands for: an alias's addresses, or the literal. */
  const expand = (value: string, type: 'host' | 'port' | 'network', where: string): string[] => {
    const literal = type === 'port' ? isPortOrRange(value) : isIpOrCidr(value);
    if (literal) return [value];
    const a = byName.get(value);
    if (!a) {
      problems.push(`${where} uses ${value}, which is neither an address nor a defined alias`);
      return [];
    }
    if (a.type !== type) problems.push(`${where} uses ${a.type} alias ${value} where a ${type} alias belongs`);
    return words(a.address);
  };

  const pairs = new Set<string>();
  const trackers = new Set<string>();
  const used = new Set<string>();
  rules.forEach((r, i) => {
    const where = `rule ${i + 1}`;
    if (r.type !== 'pass') problems.push(`${where}: type ${r.type}`);
    if (r.protocol !== 'tcp') problems.push(`${where}: protocol ${r.protocol}`);
    if (r.interface !== want.iface) problems.push(`${where}: interface ${r.interface}`);
    if (r.ipprotocol !== want.ipprotocol) problems.push(`${where}: ipprotocol ${r.ipprotocol}, want ${want.ipprotocol}`);
    if (typeof r.tracker !== 'string' || !/^\d{1,12}$/.test(r.tracker)) problems.push(`${where}: tracker ${JSON.stringify(r.tracker)}`);
    else if (trackers.has(r.tracker)) problems.push(`${where}: tracker ${r.tracker} repeats`);
    trackers.add(String(r.tracker));
    if (typeof r.descr !== 'string' || r.descr.trim() === '') problems.push(`${where}: no descr`);

    const src = r.source ?? {};
    if (want.sources.length === 0) {
      if (!('any' in src) || 'address' in src) problems.push(`${where}: source should be any, is ${JSON.stringify(src)}`);
    } else if (typeof src.address !== 'string' || 'any' in src) {
      problems.push(`${where}: source should be the --source networks, is ${JSON.stringify(src)}`);
    } else {
      const nets = expand(src.address, 'network', `${where} source`);
      if (!byName.has(src.address)) problems.push(`${where}: source ${src.address} is not an alias`);
      used.add(src.address);
      if ([...nets].sort().join() !== [...want.sources].sort().join())
        problems.push(`${where}: source networks ${nets.join(' ')}, want ${want.sources.join(' ')}`);
    }
    if ('port' in src) problems.push(`${where}: source has a port`);

    const dst = r.destination ?? {};
    if (typeof dst.address !== 'string') {
      problems.push(`${where}: destination has no address (${JSON.stringify(dst)})`);
      return;
    }
    if (typeof dst.port !== 'string') {
      problems.push(`${where}: destination has no port`);
      return;
    }
    used.add(dst.address);
    used.add(dst.port);
    const hosts = expand(dst.address, 'host', `${where} destination address`);
    const ports = expand(dst.port, 'port', `${where} destination port`);
    for (const h of hosts) for (const p of ports) pairs.add(`${h}|${p}`);
  });

  for (const a of aliases) if (!used.has(a.name)) problems.push(`alias ${a.name} is not used by any rule`);
  problems.push(...flowProblems(pairs, want.flows));
  return { problems, aliases, rules, pairs };
}

function argv(pv: PlanVariant, mode: string, iot: IotPort | null, source: string | null, iface: string | null): string[] {
  const a = ['render', '--agents', pv.agentsFlag, ...pv.options.map((o) => `--${o}`), '--target', 'pfsense', '--mode', mode];
  if (iot !== null) a.push('--iot-port', iot);
  if (source !== null) a.push('--source', source);
  if (iface !== null) a.push('--interface', iface);
  return a;
}

const WILDCARD_WARNING = /^warning: pfSense aliases do not accept \* wildcards/m;

describe('render --target pfsense', () => {
  describeRenderMatrix({
    argv: (pv, mode, iot, source) => argv(pv, mode, iot, source, INTERFACE),
    sources: PF_SOURCES,
    claim: 'valid, least-privilege aliases and rules',
    body: async ({ pv, p, iot, mode, src }) => {
      const flows = expectedFlows(p, iot);
      expect(flows).not.toBeNull();
      if (flows === null) return;
      const r = await cli(...argv(pv, mode, iot, src.flag, INTERFACE));
      expect(r.code, r.stderr).toBe(0);
      const checked = checkPfsense(r.stdout, { flows, hosts: new Set(p.hosts), sources: src.cidrs, ipprotocol: src.ipprotocol, iface: INTERFACE });
      expect(checked.problems).toEqual([]);
      expect(checked.pairs).toEqual(flows);
      const hostAliases = checked.aliases.filter((a) => a.type === 'host');
      // Every planned host is in exactly one host alias (hosts are grouped by their port set).
      expect(hostAliases.flatMap((a) => words(a.address)).sort()).toEqual([...new Set([...flows].map((f) => f.split('|')[0]))].sort());
      expect(checked.aliases.filter((a) => a.type === 'network')).toHaveLength(src.cidrs.length ? 1 : 0);
      if (mode === 'wildcard') expect(r.stderr).toMatch(WILDCARD_WARNING);
      else expect(r.stderr).not.toMatch(WILDCARD_WARNING);
      expect(r.stdout).not.toContain('*.');
    },
  });

  it('the default --iot-port is both, and the default interface is lan', async () => {
    const pv = PLANS[0] as PlanVariant;
    const p = plan(catalogue, { agents: pv.agents, options: pv.options });
    const flows = expectedFlows(p, 'both');
    expect(flows).not.toBeNull();
    const r = await cli(...argv(pv, 'exact', null, null, null));
    expect(r.code, r.stderr).toBe(0);
    const checked = checkPfsense(r.stdout, { flows: flows ?? new Set(), hosts: new Set(p.hosts), sources: [], ipprotocol: 'inet46', iface: 'lan' });
    expect(checked.problems).toEqual([]);
    // The IoT endpoint's two ports are both open with "both".
    expect([...checked.pairs].filter((x) => x.startsWith('a2etju7iem1tgc-ats.')).sort()).toEqual([
      'a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com|443',
      'a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com|8883',
    ]);
  });

  it('the IoT endpoint gets only the chosen port', async () => {
    const p = plan(catalogue, { agents: ['cca'] });
    for (const iot of ['443', '8883'] as const) {
      const r = await cli('render', '--agents', 'cca', '--target', 'pfsense', '--iot-port', iot);
      expect(r.code, r.stderr).toBe(0);
      const checked = checkPfsense(r.stdout, {
        flows: expectedFlows(p, iot) ?? new Set(),
        hosts: new Set(p.hosts),
        sources: [],
        ipprotocol: 'inet46',
        iface: 'lan',
      });
      expect(checked.problems).toEqual([]);
      expect([...checked.pairs].filter((x) => x.startsWith('a2etju7iem1tgc-ats.'))).toEqual([`a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com|${iot}`]);
    }
  });

  // The checker itself must catch broken output, or the tests above prove nothing.
  describe('the checker catches broken fragments', () => {
    const pv = PLANS[0] as PlanVariant;
    const p = plan(catalogue, { agents: pv.agents, options: pv.options });
    const flows = expectedFlows(p, 'both') ?? new Set<string>();
    const want = { flows, hosts: new Set(p.hosts), sources: ['10.20.0.0/24'], ipprotocol: 'inet', iface: INTERFACE };
    const render = async () => (await cli(...argv(pv, 'exact', 'both', '10.20.0.0/24', INTERFACE))).stdout;

    it('accepts the real output', async () => {
      expect(checkPfsense(await render(), want).problems).toEqual([]);
    });

    it('an extra port on the 443-only hosts is an extra flow', async () => {
      const xml = (await render())
        .replace('<address>443</address>', '<address>443 8883</address>')
        .replace('<detail>tcp/443</detail>', '<detail>tcp/443||tcp/8883</detail>');
      expect(checkPfsense(xml, want).problems.join('\n')).toMatch(/open flows the plan does not have: .*gdlp01\.c-wss\.com\|8883/);
    });

    it('a dropped host is a missing flow, and a wildcard in an alias is caught', async () => {
      const xml = (await render()).replace('gdlp01.c-wss.com ', '*.c-wss.com ');
      const problems = checkPfsense(xml, want).problems.join('\n');
      expect(problems).toMatch(/miss planned flows: gdlp01\.c-wss\.com\|443/);
      expect(problems).toMatch(/has a \* in <address>/);
      expect(problems).toMatch(/not a planned host/);
    });

    it('a port alias used as the destination address, a repeated tracker and broken XML are caught', async () => {
      const xml = await render();
      const swapped = xml.replace('<address>EMAINT_H_443</address>', '<address>EMAINT_P_443</address>');
      expect(checkPfsense(swapped, want).problems.join('\n')).toMatch(/port alias EMAINT_P_443 where a host alias belongs/);
      const trackers = [...xml.matchAll(/<tracker>(\d+)<\/tracker>/g)].map((m) => m[1] ?? '');
      expect(trackers.length).toBeGreaterThan(1);
      const repeated = xml.replace(`<tracker>${trackers[1]}</tracker>`, `<tracker>${trackers[0]}</tracker>`);
      expect(checkPfsense(repeated, want).problems.join('\n')).toMatch(/tracker \d+ repeats/);
      expect(checkPfsense(xml.replace('</filter>', ''), want).problems.join('\n')).toMatch(/not well-formed/);
    });
  });
});

describe('pfsense: what the GUI and pf keep', () => {
  it('logs the pass rules, keeps their description within the 63 characters of pf labels, and says who created them', async () => {
    const r = await cli('render', '--agents', 'all', '--cca-activation', '--target', 'pfsense', '--site', 'ACME Utrecht, floor 2, building 7, north wing');
    expect(r.code).toBe(0);
    const rules = r.stdout.split('\t\t<rule>').slice(1);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule).toContain('<log></log>');
      const descr = /<descr>([^<]*)<\/descr>/.exec(rule)?.[1] ?? '';
      expect([...descr].length).toBeLessThanOrEqual(63);
      expect(descr.startsWith('eMaintenance egress tcp/')).toBe(true);
      expect(rule).toMatch(/<created>\s*<time>\d+<\/time>\s*<username>emaint-egress<\/username>\s*<\/created>/);
    }
  });

  it('refuses a backslash in a description (pfSense refuses it), naming it', async () => {
    const r = await cli('render', '--agents', 'cca', '--target', 'pfsense', '--site', 'ACME\\HQ');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/contains a backslash, which pfSense refuses\n$/);
    expect(r.stdout).toBe('');
  });
});

/** The REST API package's bodies (pfSense-pkg-RESTAPI v2 FirewallAlias / FirewallRule models). */
interface ApiFile {
  generated: string[];
  aliases: { name: string; type: string; descr: string; address: string[]; detail: string[] }[];
  rules: {
    type: string;
    interface: string[];
    ipprotocol: string;
    protocol: string;
    source: string;
    destination: string;
    destination_port: string;
    descr: string;
    log: boolean;
    placement: number;
  }[];
}

describe('pfsense --import rest-api: the same aliases and rules as bodies for the REST API package', () => {
  for (const pv of PLANS) {
    for (const src of PF_SOURCES.slice(0, 2)) {
      it(`agents ${pv.label}, ${src.label}: the config.xml fragment's aliases and rules, field for field`, async () => {
        const args = argv(pv, 'wildcard', 'both', src.flag, INTERFACE);
        const xml = await cli(...args);
        const json = await cli(...args, '--import', 'rest-api');
        expect(json.code, json.stderr).toBe(0);
        // The same warning: the REST API's host aliases take no * either.
        expect(json.stderr).toBe(xml.stderr);
        const api = JSON.parse(json.stdout) as ApiFile;
        const doc = parser.parse(xml.stdout) as { pfsense: { aliases: { alias: Alias[] }; filter: { rule: RuleXml[] } } };
        // The model's choices: alias type host|network|port; rule type, ipprotocol, protocol.
        expect(api.aliases.map((a) => ({ ...a, address: a.address.join(' '), detail: a.detail.join('||') }))).toEqual(doc.pfsense.aliases.alias);
        expect(api.rules).toEqual(
          doc.pfsense.filter.rule.map((r, i) => ({
            type: 'pass',
            interface: [INTERFACE],
            ipprotocol: r.ipprotocol,
            protocol: 'tcp',
            source: r.source.address ?? 'any',
            destination: r.destination.address,
            destination_port: r.destination.port,
            descr: r.descr,
            log: true,
            // In order, at the top of the filter list: above every block rule.
            placement: i,
          })),
        );
        expect(api.generated[0]).toMatch(/^emaint-egress .* do not edit by hand$/);
      });
    }
  }

  it('hostile text stays data: quotes and angle brackets in the site name are JSON-escaped; an unknown form is refused naming the valid ones', async () => {
    const label = 'ACME "x" <y> & z\'s';
    const r = await cli('render', '--agents', 'cca', '--target', 'pfsense', '--import', 'rest-api', '--site', label);
    expect(r.code, r.stderr).toBe(0);
    const api = JSON.parse(r.stdout) as ApiFile;
    expect(api.aliases.find((a) => a.type === 'host')?.descr).toContain(label);
    const bad = await cli('render', '--agents', 'cca', '--target', 'pfsense', '--import', 'csv');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("emaint-egress render: --import: 'csv' is not valid; valid: config-xml, rest-api\n");
    const other = await cli('render', '--agents', 'cca', '--target', 'iptables', '--import', 'rest-api');
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--import .*pfsense/);
  });
});
