// The PAN-OS target: configure-mode `set` commands, tokenised and checked against the
// plan. Objects come before the lines that use them, names are valid, address objects
// hold only planned hosts and --source networks, and the rules open exactly the
// planned flows (in wildcard mode: the used vendor wildcards on tcp/443 by URL category,
// everything else by exact host).
import { describe, expect, it } from 'vitest';
import { type Plan, plan } from '../src/core/planner.js';
import { catalogue } from './helpers/catalogue.js';
import { cli } from './helpers/cli.js';
import { IOT_PORTS, type IotPort, MODES, type Mode, PLANS, type PlanVariant, expectIotPortRefused, keptFlows } from './helpers/render-variants.js';

const SOURCES: { label: string; flag: string | null; cidrs: string[] }[] = [
  { label: 'no --source', flag: null, cidrs: [] },
  { label: 'IPv4 + IPv6 sources', flag: '10.20.0.0/24,2001:db8:20::/64', cidrs: ['10.20.0.0/24', '2001:db8:20::/64'] },
];

// ---------------------------------------------------------------------------------
// Tokeniser

type Token = string | string[];

/** Splits one CLI line: words on white space, "double" or 'single' quoted values as one
 *  token (quotes removed), and `[ a b ]` as a list. Throws on unbalanced quotes or brackets. */
function tokenize(line: string): Token[] {
  const out: Token[] = [];
  let list: string[] | null = null;
  let i = 0;
  const push = (t: string) => (list ? list.push(t) : out.push(t));
  while (i < line.length) {
    const ch = line[i] ?? '';
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const end = line.indexOf(ch, i + 1);
      if (end < 0) throw new Error(`unterminated ${ch} in: ${line}`);
      const after = line[end + 1];
      if (after !== undefined && !/\s/.test(after)) throw new Error(`text right after a closing quote in: ${line}`);
      push(line.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    let end = i;
    while (end < line.length && !/\s/.test(line[end] ?? '')) end += 1;
    const word = line.slice(i, end);
    i = end;
    if (word === '[') {
      if (list) throw new Error(`nested [ in: ${line}`);
      list = [];
    } else if (word === ']') {
      if (!list) throw new Error(`] without [ in: ${line}`);
      out.push(list);
      list = null;
    } else {
      if (/["'[\]]/.test(word)) throw new Error(`stray quote or bracket in ${JSON.stringify(word)}: ${line}`);
      push(word);
    }
  }
  if (list) throw new Error(`unclosed [ in: ${line}`);
  return out;
}

// ---------------------------------------------------------------------------------
// Checker

type Kind = 'address' | 'address-group' | 'service' | 'url-category';

interface ObjectDef {
  kind: Kind;
  name: string;
  /** Line index where it is first set. */
  line: number;
  props: Map<string, Token>;
}

interface RuleDef {
  name: string;
  line: number;
  props: Map<string, Token>;
}

interface Expectation {
  /** `host|port` or, for wildcard-mode URL-category flows, `*.domain|443`. */
  pairs: Set<string>;
  hosts: Set<string>;
  sources: string[];
  /** The wildcards the URL category must list (empty: no category at all). */
  wildcards: string[];
}

interface Checked {
  problems: string[];
  pairs: Set<string>;
  objects: Map<string, ObjectDef>;
  rules: RuleDef[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const RULE_KEYS = ['from', 'to', 'source', 'destination', 'application', 'service', 'category', 'action', 'description'];

function asList(t: Token | undefined): string[] | 'any' | null {
  if (t === 'any') return 'any';
  if (Array.isArray(t)) return t;
  return null;
}

/** Everything that must hold of a PAN-OS set file; returns a list of problems (empty: fine). */
function checkPanos(text: string, want: Expectation): Checked {
  const problems: string[] = [];
  const objects = new Map<string, ObjectDef>();
  const rules = new Map<string, RuleDef>();
  const refs: { name: string; kinds: Kind[]; line: number; where: string }[] = [];
  const moves: { name: string; where: string }[] = [];
  const lines = text.split('\n');

  const define = (kind: Kind, name: Token | undefined, index: number, key: Token | undefined, value: Token | undefined) => {
    if (typeof name !== 'string' || typeof key !== 'string' || value === undefined) {
      problems.push(`line ${index + 1}: malformed ${kind} line`);
      return;
    }
    let def = objects.get(name);
    if (def && def.kind !== kind) problems.push(`line ${index + 1}: ${name} is both ${def.kind} and ${kind}`);
    if (!def) {
      def = { kind, name, line: index, props: new Map() };
      objects.set(name, def);
    }
    // `set ... static [ ... ]` adds to a group's members, so a long group comes in parts.
    const before = def.props.get(key);
    if (kind === 'address-group' && key === 'static' && Array.isArray(before) && Array.isArray(value)) {
      def.props.set(key, [...before, ...value]);
      return;
    }
    if (def.props.has(key)) problems.push(`line ${index + 1}: ${kind} ${name} sets ${key} twice`);
    def.props.set(key, value);
  };

  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    // Placement: a move names a rule set above it, to top, bottom or before another rule.
    const move = /^move rulebase security rules (\S+) (top|bottom|before "[^"]+")$/.exec(raw);
    if (move) {
      const rule = rules.get(move[1] ?? '');
      if (!rule) problems.push(`line ${index + 1} moves ${move[1]}, which is not set above it`);
      moves.push({ name: move[1] ?? '', where: move[2] ?? '' });
      return;
    }
    if (!raw.startsWith('set ')) {
      problems.push(`line ${index + 1} does not start with "set ": ${raw}`);
      return;
    }
    let t: Token[];
    try {
      t = tokenize(line);
    } catch (e) {
      problems.push(`line ${index + 1}: ${(e as Error).message}`);
      return;
    }
    const [, what, ...rest] = t;
    if (what === 'address' && rest.length === 3) {
      define('address', rest[0], index, rest[1], rest[2]);
    } else if (what === 'address-group' && rest.length === 3) {
      define('address-group', rest[0], index, rest[1], rest[2]);
      if (rest[1] === 'static') {
        const members = asList(rest[2]);
        if (!Array.isArray(members)) problems.push(`line ${index + 1}: static members are not a list`);
        else for (const m of members) refs.push({ name: m, kinds: ['address'], line: index, where: `address-group ${String(rest[0])}` });
      }
    } else if (what === 'service' && rest.length === 5 && rest[1] === 'protocol' && rest[3] === 'port') {
      define('service', rest[0], index, 'protocol', rest[2]);
      define('service', rest[0], index, 'port', rest[4]);
    } else if (what === 'profiles' && rest[0] === 'custom-url-category' && rest.length === 4) {
      define('url-category', rest[1], index, rest[2], rest[3]);
    } else if (what === 'rulebase' && rest[0] === 'security' && rest[1] === 'rules' && typeof rest[2] === 'string' && rest.length % 2 === 1) {
      const name = rest[2];
      let rule = rules.get(name);
      if (!rule) {
        rule = { name, line: index, props: new Map() };
        rules.set(name, rule);
      }
      for (let k = 3; k < rest.length; k += 2) {
        const key = rest[k];
        const value = rest[k + 1];
        if (typeof key !== 'string' || !RULE_KEYS.includes(key) || value === undefined) {
          problems.push(`line ${index + 1}: rule ${name} has an unknown or malformed key ${JSON.stringify(key)}`);
          continue;
        }
        if (rule.props.has(key)) problems.push(`line ${index + 1}: rule ${name} sets ${key} twice`);
        rule.props.set(key, value);
        const kinds: Record<string, Kind[]> = {
          source: ['address', 'address-group'],
          destination: ['address', 'address-group'],
          service: ['service'],
          category: ['url-category'],
        };
        const refKinds = kinds[key];
        if (refKinds) {
          const l = asList(value);
          if (l === null) problems.push(`line ${index + 1}: rule ${name} ${key} is neither any nor a list`);
          else if (l !== 'any') for (const m of l) refs.push({ name: m, kinds: refKinds, line: index, where: `rule ${name} ${key}` });
        }
      }
    } else {
      problems.push(`line ${index + 1}: unexpected command: ${line}`);
    }
  });

  // Definitions before use, of the right kind.
  for (const r of refs) {
    const def = objects.get(r.name);
    if (!def) problems.push(`${r.where} (line ${r.line + 1}) uses ${r.name}, which is never defined`);
    else if (def.line >= r.line) problems.push(`${r.where} (line ${r.line + 1}) uses ${r.name} before its definition (line ${def.line + 1})`);
    else if (!r.kinds.includes(def.kind)) problems.push(`${r.where} uses ${def.kind} ${r.name} where ${r.kinds.join(' or ')} belongs`);
  }
  const referenced = new Set(refs.map((r) => r.name));

  // Names.
  for (const name of [...objects.keys(), ...rules.keys()]) {
    if (name.length > 63 || !NAME.test(name)) problems.push(`name ${JSON.stringify(name)} is not a valid PAN-OS name`);
  }

  // Objects.
  const fqdnOf = new Map<string, string>();
  const cidrOf = new Map<string, string>();
  for (const o of objects.values()) {
    if (o.kind !== 'url-category' && !referenced.has(o.name)) problems.push(`${o.kind} ${o.name} is never used`);
    if (o.kind === 'address') {
      const fqdn = o.props.get('fqdn');
      const net = o.props.get('ip-netmask');
      if ((fqdn === undefined) === (net === undefined)) problems.push(`address ${o.name} needs exactly one of fqdn, ip-netmask`);
      for (const v of o.props.values()) if (String(v).includes('*')) problems.push(`address ${o.name} contains *`);
      if (typeof fqdn === 'string') {
        if (!want.hosts.has(fqdn)) problems.push(`address ${o.name} is fqdn ${fqdn}, not a planned host`);
        fqdnOf.set(o.name, fqdn);
      }
      if (typeof net === 'string') {
        if (!want.sources.includes(net)) problems.push(`address ${o.name} is ip-netmask ${net}, not a --source`);
        cidrOf.set(o.name, net);
      }
      if (fqdn !== undefined && typeof fqdn !== 'string') problems.push(`address ${o.name}: fqdn is a list`);
    }
    if (o.kind === 'address-group' && !Array.isArray(o.props.get('static'))) problems.push(`address-group ${o.name} has no static members`);
    if (o.kind === 'service') {
      if (o.props.get('protocol') !== 'tcp') problems.push(`service ${o.name} is not tcp`);
      if (!/^\d{1,5}$/.test(String(o.props.get('port')))) problems.push(`service ${o.name} has port ${String(o.props.get('port'))}`);
    }
    if (o.kind === 'url-category') {
      if (o.props.get('type') !== 'URL List') problems.push(`custom-url-category ${o.name} is not type "URL List"`);
      const entries = o.props.get('list');
      if (!Array.isArray(entries)) problems.push(`custom-url-category ${o.name} has no list`);
      else {
        for (const e of entries) if (!/^\*\.[a-z0-9.-]+\/$/.test(e)) problems.push(`custom-url-category ${o.name} entry ${e} is not *.domain/`);
        const got = entries.map((e) => e.replace(/\/$/, '')).sort();
        if (got.join() !== [...want.wildcards].sort().join())
          problems.push(`custom-url-category ${o.name} lists ${got.join(' ')}, want ${want.wildcards.join(' ')}`);
      }
    }
  }
  const categories = [...objects.values()].filter((o) => o.kind === 'url-category');
  if (want.wildcards.length === 0 && categories.length > 0) problems.push('a custom-url-category where no wildcard is used');
  if (want.wildcards.length > 0 && categories.length !== 1) problems.push(`${categories.length} custom-url-categories, want 1`);

  /** Address (or group) names -> the values of their address objects. */
  const expand = (names: string[], seen: Set<string> = new Set()): { fqdns: string[]; cidrs: string[] } => {
    const out = { fqdns: [] as string[], cidrs: [] as string[] };
    for (const n of names) {
      const o = objects.get(n);
      if (!o || seen.has(n)) continue;
      if (o.kind === 'address') {
        const f = fqdnOf.get(n);
        const c = cidrOf.get(n);
        if (f) out.fqdns.push(f);
        if (c) out.cidrs.push(c);
      } else if (o.kind === 'address-group') {
        const inner = expand((o.props.get('static') as string[] | undefined) ?? [], new Set([...seen, n]));
        out.fqdns.push(...inner.fqdns);
        out.cidrs.push(...inner.cidrs);
      }
    }
    return out;
  };
  const portOf = (service: string) => String(objects.get(service)?.props.get('port'));

  // Rules.
  const pairs = new Set<string>();
  for (const r of rules.values()) {
    const p = r.props;
    if (p.get('action') !== 'allow') problems.push(`rule ${r.name}: action ${String(p.get('action'))}`);
    const descr = p.get('description');
    if (typeof descr !== 'string' || descr.trim() === '') problems.push(`rule ${r.name} has no description`);
    for (const key of ['from', 'to', 'application']) if (p.get(key) !== 'any') problems.push(`rule ${r.name}: ${key} ${String(p.get(key))}`);
    for (const key of ['source', 'destination', 'service', 'category']) if (!p.has(key)) problems.push(`rule ${r.name} has no ${key}`);

    const source = asList(p.get('source'));
    if (want.sources.length === 0) {
      if (source !== 'any') problems.push(`rule ${r.name}: source should be any`);
    } else if (source === 'any' || source === null) {
      problems.push(`rule ${r.name}: source should be the --source networks, is any`);
    } else {
      const { fqdns, cidrs } = expand(source);
      if (fqdns.length > 0 || [...cidrs].sort().join() !== [...want.sources].sort().join())
        problems.push(`rule ${r.name}: source is ${[...fqdns, ...cidrs].join(' ')}, want ${want.sources.join(' ')}`);
    }

    const services = asList(p.get('service'));
    const ports = Array.isArray(services) ? services.map(portOf) : [];
    if (!Array.isArray(services) || ports.length === 0) problems.push(`rule ${r.name}: service should name services`);
    const destination = asList(p.get('destination'));
    const category = asList(p.get('category'));
    if (Array.isArray(category)) {
      if (destination !== 'any') problems.push(`rule ${r.name}: a URL-category rule should have destination any`);
      for (const c of category) {
        const entries = objects.get(c)?.props.get('list');
        for (const e of Array.isArray(entries) ? entries : []) for (const port of ports) pairs.add(`${e.replace(/\/$/, '')}|${port}`);
      }
    } else if (Array.isArray(destination)) {
      const { fqdns, cidrs } = expand(destination);
      if (cidrs.length > 0) problems.push(`rule ${r.name}: destination holds networks ${cidrs.join(' ')}`);
      for (const h of fqdns) for (const port of ports) pairs.add(`${h}|${port}`);
    } else {
      problems.push(`rule ${r.name}: destination any with category any opens everything`);
    }
  }
  if (rules.size === 0) problems.push('no security rules');
  const extra = [...pairs].filter((x) => !want.pairs.has(x));
  const missing = [...want.pairs].filter((x) => !pairs.has(x));
  if (extra.length) problems.push(`rules open flows the plan does not have: ${extra.join(', ')}`);
  if (missing.length) problems.push(`rules miss planned flows: ${missing.join(', ')}`);
  // Every rule is placed once (new rules land below any deny-all otherwise).
  const placed = moves.map((m) => m.name).sort();
  if (placed.join() !== [...rules.keys()].sort().join()) problems.push(`rules placed: ${placed.join(' ')}; rules set: ${[...rules.keys()].join(' ')}`);
  return { problems, pairs, objects, rules: [...rules.values()] };
}

// ---------------------------------------------------------------------------------
// Expectations from the plan

function expectation(p: Plan, mode: Mode, iotPort: IotPort, sources: string[]): Expectation | null {
  const flows = keptFlows(p, iotPort);
  if (flows === null) return null;
  const wildcardOf = (host: string) => p.wildcards.find((w) => w.covers.includes(host))?.pattern ?? null;
  const pairs = new Set<string>();
  const wildcards = new Set<string>();
  for (const f of flows) {
    const w = mode === 'wildcard' && f.port === 443 ? wildcardOf(f.host) : null;
    if (w) wildcards.add(w);
    pairs.add(`${w ?? f.host}|${f.port}`);
  }
  return { pairs, hosts: new Set(p.hosts), sources, wildcards: [...wildcards] };
}

function argv(pv: PlanVariant, mode: Mode, iot: IotPort, source: string | null): string[] {
  const a = ['render', '--agents', pv.agentsFlag, ...pv.options.map((o) => `--${o}`), '--target', 'panos', '--mode', mode, '--iot-port', iot];
  if (source !== null) a.push('--source', source);
  return a;
}

// ---------------------------------------------------------------------------------

describe('tokenize', () => {
  it('splits words, quoted values and lists', () => {
    expect(tokenize(`set a "b c" 'd "e"' [ f g ] h`)).toEqual(['set', 'a', 'b c', 'd "e"', ['f', 'g'], 'h']);
  });
  it('refuses unbalanced quotes and brackets', () => {
    expect(() => tokenize('set a "b')).toThrow(/unterminated/);
    expect(() => tokenize('set a [ b')).toThrow(/unclosed/);
    expect(() => tokenize('set a ] b')).toThrow(/without/);
    expect(() => tokenize('set a [ [ b ] ]')).toThrow(/nested/);
  });
});

describe('render --target panos', () => {
  for (const pv of PLANS) {
    const p = plan(catalogue, { agents: pv.agents, options: pv.options });
    describe(`agents ${pv.label}`, () => {
      for (const iot of IOT_PORTS) {
        if (keptFlows(p, iot) === null) {
          it(`--iot-port ${iot} is refused: it would cut an agent off the IoT endpoint`, () => expectIotPortRefused(argv(pv, 'exact', iot, null), iot));
          continue;
        }
        for (const mode of MODES) {
          for (const src of SOURCES) {
            it(`--mode ${mode} --iot-port ${iot}, ${src.label}: objects before use, exactly the planned flows`, async () => {
              const want = expectation(p, mode, iot, src.cidrs);
              expect(want).not.toBeNull();
              if (want === null) return;
              const r = await cli(...argv(pv, mode, iot, src.flag));
              expect(r.code, r.stderr).toBe(0);
              const checked = checkPanos(r.stdout, want);
              expect(checked.problems).toEqual([]);
              expect(checked.pairs).toEqual(want.pairs);
              if (mode === 'exact') {
                expect(want.wildcards).toEqual([]);
                // Exact mode: exactly the planned (host, port) pairs, and no * anywhere in a command.
                expect(checked.pairs).toEqual(new Set(keptFlows(p, iot)?.map((f) => `${f.host}|${f.port}`)));
                expect(r.stdout.split('\n').filter((l) => l.startsWith('set ') && l.includes('*'))).toEqual([]);
              } else {
                // Every used wildcard is listed once, with the trailing slash.
                const list = r.stdout.split('\n').find((l) => / custom-url-category \S+ list /.test(l)) ?? '';
                const entries = tokenize(list).find(Array.isArray) ?? [];
                expect([...entries].sort()).toEqual(want.wildcards.map((w) => `${w}/`).sort());
                // A wildcard-covered host on another port is allowed by name: the rules keep the
                // wildcards to 443, so no URL-category warning is needed.
                expect(r.stderr).not.toContain('URL categories match web traffic only');
              }
              expect(checked.rules.length).toBeGreaterThan(0);
            });
          }
        }
      }
    });
  }

  // The checker itself must catch broken output, or the tests above prove nothing.
  describe('the checker catches broken set files', () => {
    const pv = PLANS[0] as PlanVariant;
    const p = plan(catalogue, { agents: pv.agents, options: pv.options });
    const render = async (mode: Mode) => (await cli(...argv(pv, mode, 'both', '10.20.0.0/24'))).stdout;
    const want = (mode: Mode) => expectation(p, mode, 'both', ['10.20.0.0/24']) as Expectation;

    it('accepts the real output', async () => {
      expect(checkPanos(await render('exact'), want('exact')).problems).toEqual([]);
      expect(checkPanos(await render('wildcard'), want('wildcard')).problems).toEqual([]);
    });

    it('a rule before its objects, and an undefined member', async () => {
      const text = await render('exact');
      const lines = text.split('\n');
      const rule = lines.findIndex((l) => l.startsWith('set rulebase '));
      const moved = [lines[rule] ?? '', ...lines.slice(0, rule), ...lines.slice(rule + 1)].join('\n');
      expect(checkPanos(moved, want('exact')).problems.join('\n')).toMatch(/before its definition/);
      const undefinedMember = text.replace(/static \[ emaint-/, 'static [ emaint-missing emaint-');
      expect(checkPanos(undefinedMember, want('exact')).problems.join('\n')).toMatch(/uses emaint-missing, which is never defined/);
    });

    it('an extra port, a wildcard FQDN and an unquoted description', async () => {
      const text = await render('exact');
      const extraPort = text.replace(/service \[ emaint-tcp-443 \]/, 'service [ emaint-tcp-443 emaint-tcp-8883 ]');
      expect(checkPanos(extraPort, want('exact')).problems.join('\n')).toMatch(/rules open flows the plan does not have: .*\|8883/);
      const star = text.replace(/fqdn gdlp01\.c-wss\.com/, 'fqdn *.c-wss.com');
      const problems = checkPanos(star, want('exact')).problems.join('\n');
      expect(problems).toMatch(/contains \*/);
      expect(problems).toMatch(/miss planned flows: gdlp01\.c-wss\.com\|443/);
      const unquoted = text.replace(/description "([^"]*)"/, 'description "$1');
      expect(checkPanos(unquoted, want('exact')).problems.join('\n')).toMatch(/unterminated/);
    });

    it('a wildcard category missing an entry or its trailing slash', async () => {
      const text = await render('wildcard');
      const noSlash = text.replace('*.srv.ygles.com/ ', '*.srv.ygles.com ');
      expect(checkPanos(noSlash, want('wildcard')).problems.join('\n')).toMatch(/is not \*\.domain\//);
      const dropped = text.replace('*.c-cdsknn.net/ ', '');
      expect(checkPanos(dropped, want('wildcard')).problems.join('\n')).toMatch(/miss planned flows: \*\.c-cdsknn\.net\|443/);
    });
  });
});

describe("PAN-OS: rules are moved where the site's deny-all cannot hide them", () => {
  const moves = (text: string) => text.split('\n').filter((l) => l.startsWith('move '));
  it('to the top by default, in reverse order so that they keep their own order', async () => {
    const r = await cli('render', '--agents', 'cca', '--target', 'panos');
    const rules = r.stdout
      .split('\n')
      .filter((l) => / description /.test(l) && l.startsWith('set rulebase'))
      .map((l) => l.split(' ')[4]);
    expect(moves(r.stdout)).toEqual([...rules].reverse().map((n) => `move rulebase security rules ${n} top`));
  });
  it('before a named rule, in order; or left at the bottom', async () => {
    const before = await cli('render', '--agents', 'cca', '--target', 'panos', '--position', 'before:Deny all');
    expect(moves(before.stdout)).toEqual([
      'move rulebase security rules emaint-egress-tcp-443 before "Deny all"',
      'move rulebase security rules emaint-egress-tcp-443-8883 before "Deny all"',
    ]);
    const bottom = await cli('render', '--agents', 'cca', '--target', 'panos', '--position', 'bottom');
    expect(moves(bottom.stdout)).toEqual([
      'move rulebase security rules emaint-egress-tcp-443 bottom',
      'move rulebase security rules emaint-egress-tcp-443-8883 bottom',
    ]);
  });
});
