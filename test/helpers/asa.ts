// A small Cisco ASA CLI reader for the tests: `object network`, `object-group network` and
// `object-group service ... tcp` blocks, `access-list` remarks and extended entries (with
// `line N` insertion), `!` comments. It throws, naming the line, on what the ASA would refuse
// or we never write: an unknown command, a reference to an object not yet defined, a name
// or remark over the ASA's limits, a nested group holding IPv6 entries, a `?` (which opens
// the CLI's help when pasted) or a character outside printable ASCII. `evaluate` then walks
// an access list as the ASA does: first match wins, and an implicit deny ends every list.
import ipaddr from 'ipaddr.js';

/** ASA limits (Cisco's configuration guides): object names 64, remarks 100, descriptions 200. */
export const ASA_LIMITS = { name: 64, remark: 100, description: 200 } as const;
const NAME = /^[A-Za-z0-9.!@#$%^&()_{}-]{1,64}$/;

export type Family = 4 | 6;

export interface FqdnObject {
  kind: 'object';
  name: string;
  /** null: `fqdn NAME` without v4 or v6. */
  family: Family | null;
  fqdn: string;
  description: string | null;
}

/** A member of a network object-group. */
export type NetworkMember = { cidr: string; family: Family } | { object: string } | { group: string };

export interface NetworkGroup {
  kind: 'network-group';
  name: string;
  members: NetworkMember[];
  description: string | null;
}

export interface ServiceGroup {
  kind: 'service-group';
  name: string;
  protocol: string;
  ports: number[];
  description: string | null;
}

/** An access-list address: any, any4, any6, or a group or object by name. */
export type Address = { any: Family | null } | { group: string } | { object: string };

export interface Ace {
  kind: 'ace';
  action: 'permit' | 'deny';
  protocol: string;
  source: Address;
  destination: Address;
  /** The destination ports' service group, or one `eq` port; null: every port. */
  service: { group: string } | { eq: number } | null;
  log: boolean;
  /** The line of the file that wrote it (1-based). */
  at: number;
}

export interface Remark {
  kind: 'remark';
  text: string;
  at: number;
}

export interface AsaConfig {
  objects: Map<string, FqdnObject>;
  groups: Map<string, NetworkGroup | ServiceGroup>;
  /** Each access list's lines in the ASA's order, after the `line N` insertions. */
  acls: Map<string, (Ace | Remark)[]>;
  /** The commented `access-group` line, as `acl|direction|interface`, if any. */
  accessGroups: string[];
}

function fail(at: number, why: string): never {
  throw new Error(`line ${at}: ${why}`);
}

function checkName(at: number, name: string | undefined): string {
  if (name === undefined || !NAME.test(name)) fail(at, `${JSON.stringify(name)} is not an ASA object name (64 of letters, digits, .!@#$%^&()-_{})`);
  return name;
}

function cidrOf(at: number, words: string[]): { cidr: string; family: Family } {
  const [a, b] = words;
  if (a === 'host' && b !== undefined && ipaddr.isValid(b))
    return { cidr: `${b}/${ipaddr.parse(b).kind() === 'ipv4' ? 32 : 128}`, family: ipaddr.parse(b).kind() === 'ipv4' ? 4 : 6 };
  if (a !== undefined && b !== undefined && ipaddr.IPv4.isValidFourPartDecimal(a) && ipaddr.IPv4.isValidFourPartDecimal(b)) {
    const prefix = ipaddr.IPv4.parse(b).prefixLengthFromSubnetMask();
    if (prefix === null) fail(at, `${b} is not a contiguous mask`);
    return { cidr: `${a}/${prefix}`, family: 4 };
  }
  if (a !== undefined && b === undefined && a.includes('/') && ipaddr.isValidCIDR(a) && ipaddr.parseCIDR(a)[0].kind() === 'ipv6') return { cidr: a, family: 6 };
  return fail(at, `not a network: ${words.join(' ')}`);
}

export function readAsa(text: string): AsaConfig {
  const config: AsaConfig = { objects: new Map(), groups: new Map(), acls: new Map(), accessGroups: [] };
  const defined = (name: string) => config.objects.has(name) || config.groups.has(name);
  let block: FqdnObject | NetworkGroup | ServiceGroup | null = null;
  /** The IPv6 entries of a network group, its nested groups' included. */
  const hasV6 = (g: NetworkGroup): boolean =>
    g.members.some(
      (m) =>
        ('family' in m && m.family === 6) ||
        ('object' in m && config.objects.get(m.object)?.family === 6) ||
        ('group' in m && hasV6(config.groups.get(m.group) as NetworkGroup)),
    );

  text.split('\n').forEach((raw, i) => {
    const at = i + 1;
    if (Buffer.byteLength(raw) > 1024) fail(at, 'longer than 1024 bytes');
    const bad = /[^\x20-\x7e]/.exec(raw)?.[0];
    if (bad !== undefined) fail(at, `holds U+${(bad.codePointAt(0) ?? 0).toString(16)}, outside printable ASCII`);
    if (raw.includes('?')) fail(at, "holds '?', which opens the ASA CLI's help when pasted");
    if (raw.trim() === '') return;
    if (raw.startsWith('!')) {
      const m = /^!\s*access-group (\S+) (in|out) interface (\S+)$/.exec(raw);
      if (m) config.accessGroups.push(`${m[1]}|${m[2]}|${m[3]}`);
      return;
    }
    const words = raw.trim().split(/\s+/);
    const sub = raw.startsWith(' ');
    if (sub) {
      if (block === null) fail(at, `a sub-command outside any object: ${raw}`);
      const [cmd, ...rest] = words;
      if (cmd === 'description') {
        const d = raw.trim().slice('description '.length);
        if (d.length > ASA_LIMITS.description) fail(at, `description longer than ${ASA_LIMITS.description} characters`);
        block.description = d;
      } else if (block.kind === 'object' && cmd === 'fqdn') {
        const [f, name] = rest.length === 2 ? rest : [null, rest[0]];
        if (f !== null && f !== 'v4' && f !== 'v6') fail(at, `fqdn ${f}: not v4 or v6`);
        if (name === undefined || !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(name)) fail(at, `fqdn ${name}: not a host name (an FQDN object takes no wildcard)`);
        block.family = f === null ? null : f === 'v4' ? 4 : 6;
        block.fqdn = name;
      } else if (block.kind === 'network-group' && cmd === 'network-object') {
        if (rest[0] === 'object') {
          const name = checkName(at, rest[1]);
          if (!config.objects.has(name)) fail(at, `network-object object ${name}: no such object defined above`);
          block.members.push({ object: name });
        } else {
          block.members.push(cidrOf(at, rest));
        }
      } else if (block.kind === 'network-group' && cmd === 'group-object') {
        const name = checkName(at, rest[0]);
        const g = config.groups.get(name);
        if (g?.kind !== 'network-group') fail(at, `group-object ${name}: no network group defined above`);
        // Cisco: "The ASA does not support IPv6 nested network object groups".
        block.members.push({ group: name });
        if (hasV6(g) && hasV6(block)) fail(at, `group-object ${name}: IPv6 entries in a nested network group`);
      } else if (block.kind === 'service-group' && cmd === 'port-object') {
        if (rest[0] !== 'eq' || rest.length !== 2 || !/^\d{1,5}$/.test(rest[1] ?? '')) fail(at, `port-object ${rest.join(' ')}: we write only "eq N"`);
        const port = Number(rest[1]);
        if (port < 1 || port > 65535) fail(at, `port ${port} out of range`);
        block.ports.push(port);
      } else {
        fail(at, `unexpected in ${block.kind} ${block.name}: ${raw.trim()}`);
      }
      return;
    }
    endBlock(block, at);
    block = null;
    const [cmd, kind, ...rest] = words;
    if (cmd === 'object' && kind === 'network') {
      const name = checkName(at, rest[0]);
      if (defined(name)) fail(at, `${name} is defined twice (objects and groups share one name space)`);
      block = { kind: 'object', name, family: null, fqdn: '', description: null };
      config.objects.set(name, block);
    } else if (cmd === 'object-group' && kind === 'network' && rest.length === 1) {
      const name = checkName(at, rest[0]);
      if (defined(name)) fail(at, `${name} is defined twice (objects and groups share one name space)`);
      block = { kind: 'network-group', name, members: [], description: null };
      config.groups.set(name, block);
    } else if (cmd === 'object-group' && kind === 'service' && rest.length === 2 && ['tcp', 'udp', 'tcp-udp'].includes(rest[1] ?? '')) {
      const name = checkName(at, rest[0]);
      if (defined(name)) fail(at, `${name} is defined twice (objects and groups share one name space)`);
      block = { kind: 'service-group', name, protocol: rest[1] ?? '', ports: [], description: null };
      config.groups.set(name, block);
    } else if (cmd === 'access-list') {
      readAccessList(config, at, raw, [kind ?? '', ...rest]);
    } else {
      fail(at, `unknown command: ${raw}`);
    }
  });
  endBlock(block, text.split('\n').length);
  return config;
}

/** A top-level command or the end of the file ends a block: an empty one is an error. */
function endBlock(block: FqdnObject | NetworkGroup | ServiceGroup | null, at: number): void {
  if (block === null) return;
  if (block.kind === 'object' && block.fqdn === '') fail(at, `object ${block.name} has no fqdn`);
  if (block.kind === 'network-group' && block.members.length === 0) fail(at, `object-group ${block.name} is empty`);
  if (block.kind === 'service-group' && block.ports.length === 0) fail(at, `object-group ${block.name} is empty`);
}

function readAccessList(config: AsaConfig, at: number, raw: string, words: string[]): void {
  const [aclName, ...tail] = words;
  const acl = checkName(at, aclName);
  let rest = tail;
  let position: number | null = null;
  if (rest[0] === 'line') {
    position = Number(rest[1]);
    if (!Number.isInteger(position) || position < 1) fail(at, `line ${rest[1]}: not a line number`);
    rest = rest.slice(2);
  }
  const list = config.acls.get(acl) ?? [];
  // The ASA inserts at an existing line number or right after the last one.
  if (position !== null && position > list.length + 1) fail(at, `line ${position}: ${acl} has only ${list.length} lines`);
  let entry: Ace | Remark;
  if (rest[0] === 'remark') {
    const text = raw.slice(raw.indexOf(' remark ') + ' remark '.length);
    if (text.length > ASA_LIMITS.remark) fail(at, `remark longer than ${ASA_LIMITS.remark} characters (${text.length})`);
    entry = { kind: 'remark', text, at };
  } else {
    entry = readAce(config, at, rest);
  }
  list.splice(position === null ? list.length : position - 1, 0, entry);
  config.acls.set(acl, list);
}

function readAce(config: AsaConfig, at: number, words: string[]): Ace {
  const w = [...words];
  const next = () => w.shift();
  if (next() !== 'extended') fail(at, 'not an extended entry');
  const action = next();
  if (action !== 'permit' && action !== 'deny') fail(at, `action ${action}`);
  const protocol = next() ?? '';
  if (protocol !== 'tcp') fail(at, `protocol ${protocol}: we write tcp only`);
  const address = (): Address => {
    const a = next();
    if (a === 'any') return { any: null };
    if (a === 'any4') return { any: 4 };
    if (a === 'any6') return { any: 6 };
    const name = checkName(at, next());
    if (a === 'object-group') {
      if (config.groups.get(name)?.kind !== 'network-group') fail(at, `object-group ${name}: no network group defined above`);
      return { group: name };
    }
    if (a === 'object') {
      if (!config.objects.has(name)) fail(at, `object ${name}: not defined above`);
      return { object: name };
    }
    return fail(at, `address ${a}`);
  };
  const source = address();
  const destination = address();
  let service: Ace['service'] = null;
  if (w[0] === 'object-group') {
    next();
    const name = checkName(at, next());
    const g = config.groups.get(name);
    if (g?.kind !== 'service-group') fail(at, `object-group ${name}: no service group defined above`);
    if (g.protocol !== protocol && g.protocol !== 'tcp-udp') fail(at, `service group ${name} is ${g.protocol}, the entry ${protocol}`);
    service = { group: name };
  } else if (w[0] === 'eq') {
    next();
    service = { eq: Number(next()) };
  }
  const log = w[0] === 'log';
  if (log) next();
  if (w.length > 0) fail(at, `unexpected: ${w.join(' ')}`);
  return { kind: 'ace', action, protocol, source, destination, service, log, at };
}

/** The networks and FQDN objects an address stands for. */
export function expand(config: AsaConfig, a: Address): { networks: { cidr: string; family: Family }[]; fqdns: FqdnObject[]; any: Family[] } {
  if ('any' in a) return { networks: [], fqdns: [], any: a.any === null ? [4, 6] : [a.any] };
  const out = { networks: [] as { cidr: string; family: Family }[], fqdns: [] as FqdnObject[], any: [] as Family[] };
  const members: NetworkMember[] = 'object' in a ? [{ object: a.object }] : ((config.groups.get(a.group) as NetworkGroup).members ?? []);
  for (const m of members) {
    if ('cidr' in m) out.networks.push(m);
    else if ('object' in m) out.fqdns.push(config.objects.get(m.object) as FqdnObject);
    else {
      const inner = expand(config, { group: m.group });
      out.networks.push(...inner.networks);
      out.fqdns.push(...inner.fqdns);
    }
  }
  return out;
}

function ports(config: AsaConfig, service: Ace['service']): number[] | 'all' {
  if (service === null) return 'all';
  if ('eq' in service) return [service.eq];
  return (config.groups.get(service.group) as ServiceGroup).ports;
}

/** One connection attempt: from an address, to a host name (as the ASA resolved it), on a port. */
export interface Connection {
  from: string;
  family: Family;
  host: string;
  port: number;
}

function contains(cidr: string, address: string): boolean {
  const [net, prefix] = ipaddr.parseCIDR(cidr);
  const a = ipaddr.parse(address);
  return a.kind() === net.kind() && a.match(net, prefix);
}

/** What the access list does with a connection: the first matching entry's action, else deny. */
export function evaluate(config: AsaConfig, acl: string, c: Connection): 'permit' | 'deny' {
  for (const e of config.acls.get(acl) ?? []) {
    if (e.kind !== 'ace') continue;
    const src = expand(config, e.source);
    const dst = expand(config, e.destination);
    const srcMatch = src.any.includes(c.family) || src.networks.some((n) => contains(n.cidr, c.from));
    // An FQDN object of one family stands for that family's addresses only.
    const dstMatch = dst.any.includes(c.family) || dst.fqdns.some((o) => o.fqdn === c.host && o.family === c.family);
    const p = ports(config, e.service);
    if (srcMatch && dstMatch && (p === 'all' || p.includes(c.port))) return e.action;
  }
  return 'deny';
}

/** Every (family, host, port) an access list permits to FQDN objects, as `4|host|port`. */
export function permittedFlows(config: AsaConfig, acl: string): Set<string> {
  const out = new Set<string>();
  for (const e of config.acls.get(acl) ?? []) {
    if (e.kind !== 'ace' || e.action !== 'permit') continue;
    const src = expand(config, e.source);
    const families = new Set<Family>([...src.any, ...src.networks.map((n) => n.family)]);
    const p = ports(config, e.service);
    for (const o of expand(config, e.destination).fqdns) {
      if (o.family === null || !families.has(o.family)) continue;
      for (const port of p === 'all' ? [0] : p) out.add(`${o.family}|${o.fqdn}|${port === 0 ? 'all' : port}`);
    }
  }
  return out;
}
