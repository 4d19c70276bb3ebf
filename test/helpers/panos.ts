// Readers for the PAN-OS target's two files, for the tests: the configure-mode `set`
// file (tokenised and checked against the plan: objects before use, valid names, only
// planned hosts, sources and flows, the App-IDs each flow needs) and the XML API file
// (parsed by a real XML parser into the same objects, rules and moves, so the two can
// be compared as a whole).
import { XMLParser } from 'fast-xml-parser';
import { flowProblems } from './render-variants.js';

// ---------------------------------------------------------------------------------
// Tokeniser

export type Token = string | string[];

/** Splits one CLI line: words on white space, "double" or 'single' quoted values as one
 *  token (quotes removed), and `[ a b ]` as a list. Throws on unbalanced quotes or brackets. */
export function tokenize(line: string): Token[] {
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
// What both files hold

export type Kind = 'address' | 'address-group' | 'service' | 'url-category';

export interface ObjectDef {
  kind: Kind;
  name: string;
  /** Line index (set file) or position (XML file) where it is first defined. */
  line: number;
  props: Map<string, Token>;
}

export interface RuleDef {
  name: string;
  line: number;
  props: Map<string, Token>;
}

export interface Move {
  name: string;
  /** `top`, `bottom` or `before <rule>`. */
  where: string;
}

/** The App-IDs a flow needs (Applipedia): HTTPS is ssl, or web-browsing decrypted; MQTT
 *  over TLS on 8883 is ssl, or mqtt decrypted; the AWS IoT endpoint may be aws-iot. */
const PORT_APPS: Record<number, string[]> = { 443: ['ssl', 'web-browsing'], 8883: ['mqtt', 'ssl'] };
export function appsFor(host: string, port: number): string[] {
  return [...(PORT_APPS[port] ?? ['any']), ...(/\.iot\.[a-z0-9-]+\.amazonaws\.com$/.test(host) ? ['aws-iot'] : [])];
}

export interface Expectation {
  /** `host|port` or, for wildcard-mode URL-category flows, `*.domain|443`. */
  pairs: Set<string>;
  hosts: Set<string>;
  sources: string[];
  /** The wildcards the URL category must list (empty: no category at all). */
  wildcards: string[];
  /** The planned hosts each wildcard covers (their App-IDs count for its rule). */
  covers: Map<string, string[]>;
  fromZone?: string;
  toZone?: string;
  logSetting?: string | null;
  profileGroup?: string | null;
  /** Panorama's device group, or null/absent for the firewall form. */
  deviceGroup?: string | null;
}

export interface Checked {
  problems: string[];
  pairs: Set<string>;
  objects: Map<string, ObjectDef>;
  rules: RuleDef[];
  moves: Move[];
}

/** PAN-OS documents object names as letters, numbers, spaces, hyphens and underscores, 63 at most. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const RULE_KEYS = ['from', 'to', 'source', 'destination', 'source-user', 'application', 'service', 'category', 'action', 'description', 'log-setting'];

function asList(t: Token | undefined): string[] | 'any' | null {
  if (t === 'any') return 'any';
  if (Array.isArray(t)) return t;
  return null;
}

/** `set` and `move` lines start with this on Panorama (`device-group NAME`), nothing on a firewall. */
function scopeTokens(deviceGroup: string | null | undefined): string[] {
  return deviceGroup ? ['device-group', deviceGroup] : [];
}

/** Everything that must hold of a PAN-OS set file; returns a list of problems (empty: fine). */
export function checkPanos(text: string, want: Expectation): Checked {
  const problems: string[] = [];
  const objects = new Map<string, ObjectDef>();
  const rules = new Map<string, RuleDef>();
  const refs: { name: string; kinds: Kind[]; line: number; where: string }[] = [];
  const moves: Move[] = [];
  const lines = text.split('\n');
  const scope = scopeTokens(want.deviceGroup);
  const rulebase = want.deviceGroup ? 'pre-rulebase' : 'rulebase';

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
    let t: Token[];
    try {
      t = tokenize(line);
    } catch (e) {
      problems.push(`line ${index + 1}: ${(e as Error).message}`);
      return;
    }
    const [verb, ...afterVerb] = t;
    if (verb !== 'set' && verb !== 'move') {
      problems.push(`line ${index + 1} does not start with "set " or "move ": ${raw}`);
      return;
    }
    // Every command is in the same place: the firewall's own config or the device group.
    if (scope.some((s, i) => afterVerb[i] !== s) || (scope.length === 0 && afterVerb[0] === 'device-group')) {
      problems.push(`line ${index + 1} is not in ${scope.join(' ') || 'the firewall config'}: ${raw}`);
      return;
    }
    const [what, ...rest] = afterVerb.slice(scope.length);
    // Placement: a move names a rule set above it, to top, bottom or before another rule.
    if (verb === 'move') {
      const [sec, kw, name, where, anchor] = rest;
      if (what !== rulebase || sec !== 'security' || kw !== 'rules' || typeof name !== 'string' || !['top', 'bottom', 'before'].includes(String(where))) {
        problems.push(`line ${index + 1}: unexpected move: ${line}`);
        return;
      }
      if ((where === 'before') !== (typeof anchor === 'string') || rest.length > (where === 'before' ? 5 : 4)) {
        problems.push(`line ${index + 1}: malformed move: ${line}`);
        return;
      }
      if (!rules.has(name)) problems.push(`line ${index + 1} moves ${name}, which is not set above it`);
      moves.push({ name, where: where === 'before' ? `before ${String(anchor)}` : String(where) });
      return;
    }
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
    } else if (what === rulebase && rest[0] === 'security' && rest[1] === 'rules' && typeof rest[2] === 'string') {
      const name = rest[2];
      let rule = rules.get(name);
      if (!rule) {
        rule = { name, line: index, props: new Map() };
        rules.set(name, rule);
      }
      const pairs: [Token | undefined, Token | undefined][] = [];
      for (let k = 3; k < rest.length; k += 2) {
        // `profile-setting group NAME` is the one key of two words.
        if (rest[k] === 'profile-setting' && rest[k + 1] === 'group') {
          pairs.push(['profile-group', rest[k + 2]]);
          k += 1;
        } else pairs.push([rest[k], rest[k + 1]]);
      }
      for (const [key, value] of pairs) {
        if (typeof key !== 'string' || !(RULE_KEYS.includes(key) || key === 'profile-group') || value === undefined) {
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
  const result = validate(objects, rules, moves, refs, want);
  return { ...result, problems: [...problems, ...result.problems] };
}

/** The checks on what a file defines, whichever form it came in. */
function validate(
  objects: Map<string, ObjectDef>,
  rules: Map<string, RuleDef>,
  moves: Move[],
  refs: { name: string; kinds: Kind[]; line: number; where: string }[],
  want: Expectation,
): Checked {
  const problems: string[] = [];
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
    const zones: [string, string][] = [
      ['from', want.fromZone ?? 'any'],
      ['to', want.toZone ?? 'any'],
      ['source-user', 'any'],
    ];
    for (const [key, value] of zones) if (p.get(key) !== value) problems.push(`rule ${r.name}: ${key} ${String(p.get(key))}, want ${value}`);
    for (const key of ['source', 'destination', 'service', 'category', 'application']) if (!p.has(key)) problems.push(`rule ${r.name} has no ${key}`);
    if ((p.get('log-setting') ?? null) !== (want.logSetting ?? null)) problems.push(`rule ${r.name}: log-setting ${String(p.get('log-setting'))}`);
    if ((p.get('profile-group') ?? null) !== (want.profileGroup ?? null)) problems.push(`rule ${r.name}: profile group ${String(p.get('profile-group'))}`);

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
    /** The hosts this rule lets through, with the ports: their App-IDs are the rule's. */
    const opened: [string, number][] = [];
    if (Array.isArray(category)) {
      if (destination !== 'any') problems.push(`rule ${r.name}: a URL-category rule should have destination any`);
      for (const c of category) {
        const entries = objects.get(c)?.props.get('list');
        for (const e of Array.isArray(entries) ? entries : []) {
          const pattern = e.replace(/\/$/, '');
          for (const port of ports) {
            pairs.add(`${pattern}|${port}`);
            for (const h of want.covers.get(pattern) ?? []) opened.push([h, Number(port)]);
          }
        }
      }
    } else if (Array.isArray(destination)) {
      const { fqdns, cidrs } = expand(destination);
      if (cidrs.length > 0) problems.push(`rule ${r.name}: destination holds networks ${cidrs.join(' ')}`);
      for (const h of fqdns) {
        for (const port of ports) {
          pairs.add(`${h}|${port}`);
          opened.push([h, Number(port)]);
        }
      }
    } else {
      problems.push(`rule ${r.name}: destination any with category any opens everything`);
    }
    // The App-IDs: exactly those its flows need, never any.
    const apps = asList(p.get('application'));
    const wantApps = [...new Set(opened.flatMap(([h, port]) => appsFor(h, port)))].sort();
    if (!Array.isArray(apps) || [...apps].sort().join() !== wantApps.join())
      problems.push(`rule ${r.name}: application ${String(apps)}, want ${wantApps.join(' ')}`);
  }
  if (rules.size === 0) problems.push('no security rules');
  problems.push(...flowProblems(pairs, want.pairs));
  // Every rule is placed once (new rules land below any deny-all otherwise).
  const placed = moves.map((m) => m.name).sort();
  if (placed.join() !== [...rules.keys()].sort().join()) problems.push(`rules placed: ${placed.join(' ')}; rules set: ${[...rules.keys()].join(' ')}`);
  return { problems, pairs, objects, rules: [...rules.values()], moves };
}

// ---------------------------------------------------------------------------------
// The XML API file

interface XmlNode {
  tag: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** fast-xml-parser's ordered output as plain nodes (comments dropped, text trimmed). */
function nodes(list: unknown[]): XmlNode[] {
  const out: XmlNode[] = [];
  for (const item of list as Record<string, unknown>[]) {
    const tag = Object.keys(item).find((k) => k !== ':@');
    if (tag === undefined || tag === '#text') continue;
    const rawAttrs = (item[':@'] ?? {}) as Record<string, string>;
    const attrs = Object.fromEntries(Object.entries(rawAttrs).map(([k, v]) => [k.replace(/^@_/, ''), String(v)]));
    const inner = item[tag] as Record<string, unknown>[];
    const text = inner
      .filter((c) => '#text' in c)
      .map((c) => String(c['#text']))
      .join('')
      .trim();
    out.push({ tag, attrs, children: nodes(inner), text });
  }
  return out;
}

const child = (n: XmlNode, tag: string) => n.children.find((c) => c.tag === tag);
const members = (n: XmlNode | undefined): string[] | undefined => n?.children.filter((c) => c.tag === 'member').map((c) => c.text);

/** The firewall's vsys1, or Panorama's device group: where every xpath starts. */
export function xpathBase(deviceGroup: string | null | undefined): string {
  const device = "/config/devices/entry[@name='localhost.localdomain']";
  return deviceGroup ? `${device}/device-group/entry[@name='${deviceGroup}']` : `${device}/vsys/entry[@name='vsys1']`;
}

export interface XmlRead {
  /** The root's `form` attribute. */
  form: string;
  objects: Map<string, ObjectDef>;
  rules: Map<string, RuleDef>;
  moves: Move[];
  problems: string[];
}

/**
 * Reads the XML API file into objects, rules and moves. Each `<set>` must hold exactly one
 * `<entry>` at the xpath of its kind under `base`; each `<move>` names a rule set before it.
 */
export function readPanosXml(text: string, deviceGroup: string | null | undefined): XmlRead {
  const parsed = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, trimValues: false }).parse(
    text,
  ) as unknown[];
  const root = nodes(parsed).find((n) => n.tag === 'emaint-egress');
  const problems: string[] = [];
  const objects = new Map<string, ObjectDef>();
  const rules = new Map<string, RuleDef>();
  const moves: Move[] = [];
  if (!root) return { form: '', objects, rules, moves, problems: ['no <emaint-egress> root'] };
  const base = xpathBase(deviceGroup);
  const rulesXpath = `${base}/${deviceGroup ? 'pre-rulebase' : 'rulebase'}/security/rules`;
  const kinds: Record<string, Kind> = {
    [`${base}/address`]: 'address',
    [`${base}/address-group`]: 'address-group',
    [`${base}/service`]: 'service',
    [`${base}/profiles/custom-url-category`]: 'url-category',
  };
  root.children.forEach((op, index) => {
    if (op.tag === 'move') {
      const m = /^(.*)\/entry\[@name='([^']+)'\]$/.exec(op.attrs['xpath'] ?? '');
      if (!m || m[1] !== rulesXpath) {
        problems.push(`move ${index}: xpath ${op.attrs['xpath']} is not a rule under ${rulesXpath}`);
        return;
      }
      const name = m[2] ?? '';
      if (!rules.has(name)) problems.push(`move ${index} moves ${name}, which is not set before it`);
      const where = op.attrs['where'] ?? '';
      if (!['top', 'bottom', 'before'].includes(where) || (where === 'before') !== 'dst' in op.attrs) problems.push(`move ${index}: where ${where}`);
      moves.push({ name, where: where === 'before' ? `before ${op.attrs['dst']}` : where });
      return;
    }
    if (op.tag !== 'set') {
      problems.push(`element ${index} is <${op.tag}>, not <set> or <move>`);
      return;
    }
    const [entry, ...more] = op.children;
    const name = entry?.attrs['name'];
    if (entry?.tag !== 'entry' || more.length > 0 || name === undefined) {
      problems.push(`set ${index}: not exactly one <entry name=...>`);
      return;
    }
    const xpath = op.attrs['xpath'] ?? '';
    const props = new Map<string, Token>();
    const text = (tag: string) => {
      const n = child(entry, tag);
      if (n) props.set(tag, n.text);
    };
    if (xpath === rulesXpath) {
      if (rules.has(name)) problems.push(`rule ${name} set twice`);
      for (const key of ['from', 'to', 'source', 'destination', 'source-user', 'application', 'service', 'category']) {
        const list = members(child(entry, key));
        if (list) props.set(key, list);
      }
      text('action');
      text('description');
      text('log-setting');
      const group = members(child(child(entry, 'profile-setting') ?? entry, 'group'));
      if (group) props.set('profile-group', group.length === 1 ? (group[0] ?? '') : group);
      rules.set(name, { name, line: index, props });
      return;
    }
    const kind = kinds[xpath];
    if (!kind) {
      problems.push(`set ${index}: xpath ${xpath} is not one this target writes under ${base}`);
      return;
    }
    if (objects.has(name)) problems.push(`${kind} ${name} set twice`);
    if (kind === 'address') {
      text('fqdn');
      text('ip-netmask');
      text('description');
    } else if (kind === 'address-group') {
      const list = members(child(entry, 'static'));
      if (list) props.set('static', list);
      text('description');
    } else if (kind === 'service') {
      const tcp = child(child(entry, 'protocol') ?? entry, 'tcp');
      if (tcp) props.set('protocol', 'tcp');
      const port = tcp && child(tcp, 'port');
      if (port) props.set('port', port.text);
    } else {
      text('type');
      const list = members(child(entry, 'list'));
      if (list) props.set('list', list);
      text('description');
    }
    objects.set(name, { kind, name, line: index, props });
  });
  return { form: root.attrs['form'] ?? '', objects, rules, moves, problems };
}

/** Member lists as lists, whichever way a file writes a single member (`any` or `[ any ]`). */
const LIST_KEYS = new Set(['from', 'to', 'source', 'destination', 'source-user', 'application', 'service', 'category', 'static', 'list']);
function plain(props: Map<string, Token>): Record<string, Token> {
  return Object.fromEntries(
    [...props].map(([k, v]) => [k, LIST_KEYS.has(k) && typeof v === 'string' ? [v] : v]).sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
}

/** What a file configures, in order: comparable between the set and the XML forms. */
export function configOf(objects: Map<string, ObjectDef>, rules: Map<string, RuleDef> | RuleDef[], moves: Move[]) {
  return {
    objects: [...objects.values()].map((o) => [o.kind, o.name, plain(o.props)]),
    rules: [...(Array.isArray(rules) ? rules : rules.values())].map((r) => [r.name, plain(r.props)]),
    moves,
  };
}
