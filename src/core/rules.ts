// From a plan to the rules every target renders: which names, which ports, for whom.
// Exact mode keeps one rule per planned flow (least privilege); wildcard mode replaces
// hosts by the vendor's wildcard domains where one covers them. Pure.
import type { Catalogue } from './catalogue.js';
import type { Flow, Plan } from './planner.js';
import { FieldError } from './errors.js';
import type { SiteRequest } from './site-endpoints.js';

export const MODES = ['exact', 'wildcard'] as const;
export type Mode = (typeof MODES)[number];
export const IOT_PORTS = ['443', '8883', 'both'] as const;
export type IotPort = (typeof IOT_PORTS)[number];
/** The defaults, once: least privilege, and both of the IoT endpoint's ports. */
export const DEFAULT_MODE: Mode = 'exact';
export const DEFAULT_IOT_PORT: IotPort = 'both';

/** One allowed (name, tcp port) pair. */
export interface Rule {
  kind: 'host' | 'wildcard';
  /** The exact host, or the wildcard pattern (`*.srv.ygles.com`). */
  name: string;
  /** The DNS name matched: the host, or the wildcard's parent domain (`srv.ygles.com`). */
  domain: string;
  protocol: 'tcp';
  port: number;
  /** Chosen agents that need it, in catalogue order. */
  agents: string[];
  /** Planned hosts this rule lets through. */
  hosts: string[];
  /** False when Canon's document gives no port for any of them (443 assumed). */
  portStated: boolean;
  /** A host behind it authenticates with client certificates: TLS inspection breaks it. */
  clientCertificate: boolean;
  /** What the wildcard opens beyond the planned hosts (wildcard rules only). */
  risk: string | null;
  /** A site endpoint's rule (no agents): why the site needs it and who asked. */
  site: SiteRequest | null;
}

/** The rules of one name, as targets that group by name (sets, aliases, objects) need them. */
export interface Destination {
  kind: 'host' | 'wildcard';
  name: string;
  domain: string;
  ports: number[];
  agents: string[];
  hosts: string[];
  clientCertificate: boolean;
  risk: string | null;
  /** A site endpoint (no agents): why the site needs it and who asked. */
  site: SiteRequest | null;
}

export interface RuleSet {
  /** The plan's agents, in catalogue order (every agents list below follows it). */
  agents: string[];
  mode: Mode;
  iotPort: IotPort;
  rules: Rule[];
  destinations: Destination[];
  /** What the user should know before applying: wildcard risks, hosts kept exact. */
  warnings: string[];
}

export interface RuleOptions {
  mode: Mode;
  iotPort: IotPort;
}

/** Hosts for which the document gives alternative ports ("443 of poort 8883"). */
function alternativePortHosts(catalogue: Catalogue): Set<string> {
  const out = new Set<string>();
  for (const a of catalogue.agents) {
    for (const e of [...a.endpoints, ...(a.options ?? []).flatMap((o) => o.endpoints)]) {
      if (e.ports && e.ports.length > 1) out.add(e.host);
    }
  }
  return out;
}

/** The one port the vendor wildcards are used on (HTTPS). */
const WILDCARD_PORT = 443;

export function buildRules(catalogue: Catalogue, plan: Plan, options: RuleOptions): RuleSet {
  const flows = applyIotPort(plan.flows, alternativePortHosts(catalogue), options.iotPort);
  const risks = new Map(plan.wildcards.map((w) => [w.pattern, w]));
  const rules = new Map<string, Rule>();
  for (const f of flows) {
    // The vendor's wildcards are for its HTTPS hosts: another port (the IoT endpoint's MQTT on
    // 8883) stays with the host that needs it, never opened to all of a vendor's domain.
    const wildcard = options.mode === 'wildcard' && f.port === WILDCARD_PORT ? f.wildcard : null;
    const name = wildcard ?? f.host;
    const key = `${name}|${f.port}`;
    let r = rules.get(key);
    if (!r) {
      r = {
        kind: wildcard ? 'wildcard' : 'host',
        name,
        domain: wildcard ? wildcard.slice(2) : f.host,
        protocol: 'tcp',
        port: f.port,
        agents: [],
        hosts: [],
        portStated: false,
        clientCertificate: false,
        risk: wildcard ? (risks.get(wildcard)?.risk ?? null) : null,
        site: f.site,
      };
      rules.set(key, r);
    }
    r.hosts.push(f.host);
    r.portStated ||= f.portStated;
    r.clientCertificate ||= f.clientCertificate;
    for (const a of f.agents) if (!r.agents.includes(a)) r.agents.push(a);
  }
  const list = [...rules.values()];
  for (const r of list) r.agents = inOrder(plan.agents, r.agents);
  return {
    agents: [...plan.agents],
    mode: options.mode,
    iotPort: options.iotPort,
    rules: list,
    destinations: destinationsOf(list, plan.agents),
    warnings: options.mode === 'wildcard' ? wildcardWarnings(plan, list) : [],
  };
}

/** Groups rules by name, keeping first-seen order. */
function destinationsOf(rules: readonly Rule[], agents: readonly string[]): Destination[] {
  const out = new Map<string, Destination>();
  for (const r of rules) {
    let d = out.get(r.name);
    if (!d) {
      d = { kind: r.kind, name: r.name, domain: r.domain, ports: [], agents: [], hosts: [], clientCertificate: false, risk: r.risk, site: r.site };
      out.set(r.name, d);
    }
    d.ports.push(r.port);
    d.clientCertificate ||= r.clientCertificate;
    for (const a of r.agents) if (!d.agents.includes(a)) d.agents.push(a);
    for (const h of r.hosts) if (!d.hosts.includes(h)) d.hosts.push(h);
  }
  for (const d of out.values()) {
    d.ports.sort((a, b) => a - b);
    d.agents = inOrder(agents, d.agents);
  }
  return [...out.values()];
}

function applyIotPort(flows: readonly Flow[], alternatives: ReadonlySet<string>, iotPort: IotPort): Flow[] {
  if (iotPort === 'both') return [...flows];
  // Agents that would lose every flow to an alternative-port host if only `port` were kept.
  const losers = (port: number) => {
    const out: { host: string; agents: string[]; ports: number[] }[] = [];
    for (const host of alternatives) {
      const before = flows.filter((f) => f.host === host);
      const after = before.filter((f) => f.port === port);
      const agents = [...new Set(before.flatMap((f) => f.agents))].filter((a) => !after.some((f) => f.agents.includes(a)));
      const ports = [...new Set(before.filter((f) => f.agents.some((a) => agents.includes(a))).map((f) => f.port))];
      if (agents.length > 0) out.push({ host, agents, ports });
    }
    return out;
  };
  const chosen = Number(iotPort);
  const [lost] = losers(chosen);
  if (lost) {
    const valid = IOT_PORTS.filter((p) => p === 'both' || losers(Number(p)).length === 0);
    throw new FieldError(
      'iotPort',
      `${iotPort}: ${lost.agents.join(', ')} ${lost.agents.length > 1 ? 'reach' : 'reaches'} ${lost.host} on port ${lost.ports.join(', ')} only ` +
        `(Canon's document gives no other port for ${lost.agents.length > 1 ? 'them' : 'it'}); valid here: ${valid.join(', ')}`,
    );
  }
  return flows.filter((f) => !alternatives.has(f.host) || f.port === chosen);
}

function wildcardWarnings(plan: Plan, rules: readonly Rule[]): string[] {
  const out: string[] = [];
  const used = new Set(rules.filter((r) => r.kind === 'wildcard').map((r) => r.name));
  for (const w of plan.wildcards) {
    if (!used.has(w.pattern)) continue;
    const need = `the agents need ${w.covers.length} of its hosts`;
    out.push(w.risk ? `${w.risk.replace(/\.$/, '')}; ${need}` : `${w.pattern} opens every host under ${w.pattern.slice(2)}; ${need}`);
  }
  for (const host of plan.uncovered) out.push(`${host}: no vendor wildcard covers it; allowed by its exact name`);
  return out;
}

/** Destinations that need the same ports, for targets that pair a name list with a port list. */
export interface PortGroup {
  ports: number[];
  destinations: Destination[];
  agents: string[];
  /** The site's own endpoints, grouped apart from the catalogue's (no agents). */
  site: boolean;
}

/** Groups destinations by their exact port set, so a (names × ports) rule opens nothing extra;
 *  the site's endpoints form groups of their own, after the catalogue's. */
export function portGroups(rules: RuleSet): PortGroup[] {
  const out = new Map<string, PortGroup>();
  for (const d of rules.destinations) {
    const site = d.site !== null;
    const key = `${site ? 'site ' : ''}${d.ports.join(',')}`;
    let g = out.get(key);
    if (!g) {
      g = { ports: d.ports, destinations: [], agents: [], site };
      out.set(key, g);
    }
    g.destinations.push(d);
    g.agents = inOrder(rules.agents, [...g.agents, ...d.agents]);
  }
  return [...out.values()];
}

/** The members of `items`, once each, in the order of `order`. */
function inOrder(order: readonly string[], items: readonly string[]): string[] {
  const set = new Set(items);
  return order.filter((a) => set.has(a));
}
