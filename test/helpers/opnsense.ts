// What OPNsense's own models accept, for the OPNsense tests. Read (not copied) from
// opnsense/core at commit f95e81516ee0e2fb184f06bb7f858d3dd45da9cc (2026-08-21), and
// compared with tag 25.1 (da994c0434f628d9c73e6013b8f8493b6208aaf0) where they differ,
// keeping the stricter of the two:
//   src/opnsense/mvc/app/models/OPNsense/Firewall/Alias.xml          alias fields, type values
//   .../models/OPNsense/Firewall/FieldTypes/AliasNameField.php        name pattern, pf's reserved words,
//                                                                     no service or protocol names
//   .../models/OPNsense/Firewall/FieldTypes/AliasContentField.php     content per type, one entry a line
//   src/opnsense/mvc/app/library/OPNsense/Firewall/Util.php           isDomain, isPort, isSubnet
//   .../models/OPNsense/Base/FieldTypes/DescriptionField.php          1 to 255 bytes, one line
//   .../models/OPNsense/Firewall/Filter.xml, Filter.php               rule fields, option values,
//                                                                     ports only for TCP/UDP
//   .../controllers/OPNsense/Firewall/Api/AliasController.php         importAction: data.aliases.alias,
//                                                                     an unknown field throws
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** Alias.xml's fields in 25.1 (newer versions add fields; the import throws on any other). */
const ALIAS_FIELDS = new Set(
  'enabled name type path_expression proto interface counters updatefreq content password username authtype categories current_items last_updated description'.split(
    ' ',
  ),
);
const ALIAS_TYPES = new Set('host network port url urltable urljson geoip networkgroup mac asn dynipv6host authgroup internal external'.split(' '));

/** Filter.xml's rule fields in 25.1: add_rule silently drops any other, so a field outside
 *  this list would not reach an older firewall. */
const RULE_FIELDS = new Set(
  (
    'enabled statetype state-policy sequence action quick interfacenot interface direction ipprotocol protocol source_net ' +
    'source_not source_port destination_net destination_not destination_port gateway replyto disablereplyto log allowopts ' +
    'nosync nopfsync statetimeout max-src-nodes max-src-states max-src-conn max max-src-conn-rate max-src-conn-rates overload ' +
    'adaptivestart adaptiveend prio set-prio set-prio-low tag tagged tcpflags1 tcpflags2 categories sched tos shaper1 shaper2 description'
  ).split(' '),
);
const BOOLEAN_RULE_FIELDS = ['enabled', 'quick', 'interfacenot', 'source_not', 'destination_not', 'disablereplyto', 'log', 'allowopts', 'nosync', 'nopfsync'];

/** AliasNameField's pattern: a letter or one underscore first, 31 characters at most. */
export const ALIAS_NAME = /^([a-zA-Z]|(([_a-zA-Z][a-zA-Z0-9]|[a-zA-Z][_a-zA-Z0-9])[_a-zA-Z0-9]{0,29}))$/;
/** AliasNameField's reserved words: pfctl's keywords (parse.y). */
const RESERVED = new Set(
  (
    'all allow-opts altq anchor antispoof any bandwidth binat binat-anchor bitmask block block-policy buckets cbq code codelq crop ' +
    'debug divert-reply divert-to drop drop-ovl dup-to fail-policy fairq fastroute file fingerprints flags floating flush for ' +
    'fragment from global group hfsc hogs hostid icmp-type icmp6-type if-bound in include inet inet6 interval keep label limit ' +
    'linkshare load log loginterface max max-mss max-src-conn max-src-conn-rate max-src-nodes max-src-states min-ttl modulate ' +
    'nat nat-anchor no no-df no-route no-sync on optimization os out overload pass port prio priority priq probability proto ' +
    'qlimit queue quick random random-id rdr rdr-anchor realtime reassemble reply-to require-order return return-icmp ' +
    'return-icmp6 return-rst round-robin route route-to rtable rule ruleset-optimization scrub set set-tos skip sloppy ' +
    'source-hash source-track state state-defaults state-policy static-port sticky-address synproxy table tag tagged target ' +
    'tbrsize timeout to tos ttl upperlimit urpf-failed user'
  ).split(' '),
);

/** Names and aliases in a services(5)/protocols(5) file (every column but the number).
 *  This machine's files stand in for the firewall's FreeBSD ones. */
function namesIn(file: string): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const words = line.replace(/#.*/, '').trim().split(/\s+/);
    words.forEach((w, i) => {
      if (w !== '' && i !== 1) out.add(w);
    });
  }
  return out;
}
const SERVICES = namesIn('/etc/services');
const PROTOCOLS = namesIn('/etc/protocols');

/** Util::isDomain: letters (any script), digits and inner hyphens per label; not dotted-decimal. */
export function isDomain(s: string): boolean {
  const label = '(?:[\\p{L}0-9]|[\\p{L}0-9][\\p{L}0-9-]*[\\p{L}0-9])';
  const labels = s.split('.');
  if (/^\d+$/.test(labels[0] ?? '') && /^\d+$/.test(labels[labels.length - 1] ?? '')) return false;
  return new RegExp(`^(?:${label}\\.)*${label}$`, 'iu').test(s);
}

const isIpAddress = (s: string) => isIP(s) !== 0;

/** Util::isSubnet: an address, a slash and a prefix length that fits its family. */
export function isSubnet(s: string): boolean {
  const [addr, prefix, ...rest] = s.split('/');
  if (rest.length > 0 || addr === undefined || prefix === undefined || !/^\d+$/.test(prefix) || !isIpAddress(addr)) return false;
  return Number(prefix) <= (addr.includes(':') ? 128 : 32);
}

/** Util::isPort: a port 1-65535 or a service name, or a range of two with ':'. */
export function isPort(s: string): boolean {
  const parts = s.split(':');
  return parts.length <= 2 && parts.every((p) => (/^\d+$/.test(p) && Number(p) >= 1 && Number(p) <= 65535) || SERVICES.has(p));
}

/** DescriptionField: 1 to 255 bytes (its pattern has no /u), no line break, NUL, VT or FF. */
export function descriptionProblem(v: unknown): string | null {
  if (typeof v !== 'string' || v === '') return 'not text';
  if (/[\n\r\0\v\f]/.test(v)) return 'a line break or control character';
  if (Buffer.byteLength(v) > 255) return `${Buffer.byteLength(v)} bytes, more than 255`;
  return null;
}

export interface Alias {
  name: string;
  type: string;
  content: string;
  description?: string;
  enabled?: string;
}

/** Problems of one alias as the import would find them; `names` are all the aliases it can see. */
export function aliasProblems(key: string, raw: unknown, names: ReadonlySet<string>): string[] {
  const p: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [`${key}: not an object`];
  const a = raw as Record<string, unknown>;
  for (const [field, value] of Object.entries(a)) {
    if (!ALIAS_FIELDS.has(field)) p.push(`${key}: unknown field ${field} (the import throws)`);
    if (typeof value !== 'string') p.push(`${key}.${field}: not a string`);
  }
  const { name, type, content, enabled } = a as Partial<Record<string, string>>;
  if (typeof name !== 'string' || !ALIAS_NAME.test(name)) p.push(`${key}.name: ${JSON.stringify(name)} does not match the name pattern`);
  else if (RESERVED.has(name)) p.push(`${key}.name: ${name} is a reserved keyword`);
  else if (SERVICES.has(name) || PROTOCOLS.has(name)) p.push(`${key}.name: ${name} is a service or protocol name`);
  if (typeof type !== 'string' || !ALIAS_TYPES.has(type) || type === 'internal') p.push(`${key}.type: ${JSON.stringify(type)}`);
  if (enabled !== undefined && !/^[01]$/.test(enabled)) p.push(`${key}.enabled: ${enabled}`);
  const d = 'description' in a ? descriptionProblem(a['description']) : null;
  if (d !== null) p.push(`${key}.description: ${d}`);
  for (const entry of String(content ?? '').split('\n')) {
    const isAlias = names.has(entry);
    const ok =
      type === 'host'
        ? isAlias || isIpAddress(entry) || isDomain(entry) || (entry.split('-').length === 2 && entry.split('-').every(isIpAddress))
        : type === 'network'
          ? isAlias || isIpAddress(entry) || isSubnet(entry) || (entry.split('-').length === 2 && entry.split('-').every(isIpAddress))
          : type === 'port'
            ? isAlias || isPort(entry)
            : type === 'networkgroup'
              ? isAlias
              : false;
    if (!ok) p.push(`${key}.content: ${JSON.stringify(entry)} is not valid for a ${type} alias`);
  }
  return p;
}

/** Problems of one rule as add_rule would find them, given the aliases the firewall has. */
export function ruleProblems(where: string, raw: unknown, aliases: ReadonlyMap<string, Alias>): string[] {
  const p: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [`${where}: not an object`];
  const r = raw as Record<string, unknown>;
  for (const [field, value] of Object.entries(r)) {
    if (!RULE_FIELDS.has(field)) p.push(`${where}: field ${field} is not in the 25.1 model (add_rule drops it)`);
    if (typeof value !== 'string') p.push(`${where}.${field}: not a single value`);
  }
  const v = r as Partial<Record<string, string>>;
  for (const f of BOOLEAN_RULE_FIELDS) if (v[f] !== undefined && !/^[01]$/.test(v[f] ?? '')) p.push(`${where}.${f}: ${v[f]}`);
  // 25.1 takes 1 to 99999; later versions up to 999999.
  if (v.sequence === undefined || !/^\d+$/.test(v.sequence) || Number(v.sequence) < 1 || Number(v.sequence) > 99999) p.push(`${where}.sequence: ${v.sequence}`);
  if (!['pass', 'block', 'reject'].includes(v.action ?? 'pass')) p.push(`${where}.action: ${v.action}`);
  // "any" came in 26.1.
  if (!['in', 'out'].includes(v.direction ?? 'in')) p.push(`${where}.direction: ${v.direction}`);
  // "inet46" came in 25.1.
  if (!['inet', 'inet6', 'inet46'].includes(v.ipprotocol ?? 'inet')) p.push(`${where}.ipprotocol: ${v.ipprotocol}`);
  const protocol = (v.protocol ?? 'any').toLowerCase() === 'any' ? 'any' : (v.protocol ?? '').toUpperCase();
  if (protocol !== 'any' && protocol !== 'TCP/UDP' && ![...PROTOCOLS].some((x) => x.toUpperCase() === protocol)) p.push(`${where}.protocol: ${v.protocol}`);
  // The firewall's own interface identifiers; lan, wan and optN stand in for its config.xml.
  for (const i of (v.interface ?? '').split(',')) if (!/^(lan|wan|opt[1-9]\d*)$/.test(i)) p.push(`${where}.interface: ${v.interface}`);
  for (const side of ['source', 'destination'] as const) {
    const net = v[`${side}_net`] ?? 'any';
    const a = aliases.get(net);
    if (net !== 'any' && !isIpAddress(net) && !isSubnet(net) && (a === undefined || a.type === 'port'))
      p.push(`${where}.${side}_net: ${net} is no address, network or alias`);
    if ((isIpAddress(net) || isSubnet(net)) && (net.includes(':') ? 'inet6' : 'inet') !== v.ipprotocol)
      p.push(`${where}.${side}_net: ${net} is not of family ${v.ipprotocol}`);
    const port = v[`${side}_port`] ?? '';
    if (port !== '') {
      if (!isPort(port) && aliases.get(port)?.type !== 'port') p.push(`${where}.${side}_port: ${port} is no port, range or port alias`);
      if (!['TCP', 'UDP', 'TCP/UDP'].includes(protocol)) p.push(`${where}.${side}_port: ports only apply to TCP or UDP`);
    }
  }
  const d = descriptionProblem(v.description ?? 'x');
  if (d !== null) p.push(`${where}.description: ${d}`);
  return p;
}

/** What an alias name or literal stands for, nested aliases expanded. */
export function expand(value: string, aliases: ReadonlyMap<string, Alias>, seen: ReadonlySet<string> = new Set()): string[] {
  const a = aliases.get(value);
  if (a === undefined || seen.has(value)) return [value];
  return a.content.split('\n').flatMap((e) => expand(e, aliases, new Set([...seen, value])));
}

/** host|port pairs the rules let through, and the source networks of each rule. */
export function allowedPairs(rules: readonly Record<string, string>[], aliases: ReadonlyMap<string, Alias>): { pairs: Set<string>; sources: string[][] } {
  const pairs = new Set<string>();
  const sources: string[][] = [];
  for (const r of rules) {
    sources.push(expand(r['source_net'] ?? 'any', aliases));
    for (const h of expand(r['destination_net'] ?? 'any', aliases)) for (const port of expand(r['destination_port'] ?? '', aliases)) pairs.add(`${h}|${port}`);
  }
  return { pairs, sources };
}
