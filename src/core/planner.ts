// The planner: (agents + options) -> deduplicated flows. Pure and deterministic.
import type { Catalogue, Cite, Endpoint, Role } from './catalogue.js';
import { catalogueHosts } from './catalogue-facts.js';
import { InputError } from './errors.js';
import type { SiteEndpoint, SiteRequest } from './site-endpoints.js';
import { quoteValue } from './text.js';
import { coveringWildcard, wildcardCovers } from './wildcards.js';

/** The port assumed where the document names a host but no port (HTTPS). */
export const ASSUMED_PORT = 443;

export interface PlanRequest {
  /** Agent ids; order and repeats do not matter. */
  agents: readonly string[];
  /** Option ids (e.g. `cca-activation`); each must belong to a chosen agent. */
  options?: readonly string[];
  /** The site's own endpoints (site-endpoints.ts), already checked. */
  endpoints?: readonly SiteEndpoint[];
}

/** One seed passage that makes an agent need a flow. */
export interface FlowCite extends Cite {
  agent: string;
  option?: string;
  file: string;
  /** False when this passage names the host without a port. */
  portStated: boolean;
}

export interface FlowNote {
  text: string;
  reference: string;
}

/** One allowed outbound connection: (host, protocol, port). */
export interface Flow {
  host: string;
  protocol: 'tcp';
  port: number;
  /** True when at least one citing passage states this port; false = assumed 443. */
  portStated: boolean;
  /** The chosen agents that need this flow, in catalogue order. */
  agents: string[];
  /** Options that add this flow for an agent (e.g. cca-activation). */
  options: string[];
  /** The vendor wildcard that covers this host, or null where none does. */
  wildcard: string | null;
  service: string | null;
  /** The service authenticates devices with client certificates: TLS inspection breaks it. */
  clientCertificate: boolean;
  /** The ALPN protocol the devices offer on this port, where it matters. */
  alpn: string | null;
  notes: FlowNote[];
  /** The catalogue's passages; empty for a site endpoint. */
  provenance: FlowCite[];
  /** Set for a site endpoint's flow (agents and provenance empty), null for the catalogue's. */
  site: SiteRequest | null;
}

export interface WildcardUse {
  pattern: string;
  /** Planned hosts this wildcard covers. */
  covers: string[];
  risk: string | null;
}

export interface Plan {
  catalogueVersion: string;
  agents: string[];
  options: string[];
  /** The catalogue's flows, then the site's own (site-endpoints.ts). */
  flows: Flow[];
  /** Distinct hosts, in flow order. */
  hosts: string[];
  /** What the vendor wildcards cover of the catalogue's planned hosts. */
  wildcards: WildcardUse[];
  /** Planned catalogue hosts that no vendor wildcard covers. */
  uncovered: string[];
  /** The site's own endpoints behind the site flows. */
  endpoints: SiteEndpoint[];
}

export interface LanFlow {
  id: string;
  service: string;
  from: Role;
  to: Role;
  protocol: 'tcp' | 'udp';
  port: number;
  protocolStated: boolean;
  /** The chosen agents this flow serves, or null where it is not tied to an agent. */
  agents: string[] | null;
  description: string;
  provenance: Cite & { file: string };
}

export class PlanError extends InputError {
  override name = 'PlanError';
}

/** An agent id the catalogue does not know; `id` lets a caller word its own message. */
export class UnknownAgentError extends PlanError {
  override name = 'UnknownAgentError';
  constructor(
    readonly id: string,
    valid: string,
  ) {
    super(`unknown agent ${quoteValue(id)}; valid: ${valid}`);
  }
}

export function plan(catalogue: Catalogue, request: PlanRequest): Plan {
  const agents = resolveAgents(catalogue, request.agents);
  const options = resolveOptions(catalogue, agents, request.options ?? []);
  const fileOf = sourceFiles(catalogue);
  const facts = new Map(catalogue.hosts.map((h) => [h.host, h]));
  const patterns = catalogue.wildcards.patterns.map((w) => w.pattern);
  const chosen = new Set(agents);
  const flows = new Map<string, Flow>();

  const add = (agentId: string, e: Endpoint, cite: Omit<Cite, 'quote'>, option?: string) => {
    const stated = e.ports !== undefined;
    for (const port of e.ports ?? [ASSUMED_PORT]) {
      const key = `${e.host}|tcp|${port}`;
      let flow = flows.get(key);
      if (!flow) {
        const f = facts.get(e.host);
        flow = {
          host: e.host,
          protocol: 'tcp',
          port,
          portStated: false,
          agents: [],
          options: [],
          wildcard: coveringWildcard(patterns, e.host),
          service: f?.service ?? null,
          clientCertificate: f?.clientCertificate ?? false,
          alpn: f?.alpn?.find((a) => a.port === port)?.protocol ?? null,
          notes: (f?.notes ?? []).map((n) => ({ ...n })),
          provenance: [],
          site: null,
        };
        flows.set(key, flow);
      }
      flow.portStated ||= stated;
      if (!flow.agents.includes(agentId)) flow.agents.push(agentId);
      if (option !== undefined && !flow.options.includes(option)) flow.options.push(option);
      flow.provenance.push({
        agent: agentId,
        ...(option !== undefined ? { option } : {}),
        source: cite.source,
        file: fileOf(cite.source),
        section: [...cite.section],
        quote: e.quote,
        portStated: stated,
      });
    }
  };

  // Catalogue order, so each flow's agent list comes out in catalogue order too.
  for (const agent of catalogue.agents) {
    if (!chosen.has(agent.id)) continue;
    const cite = { source: agent.source, section: agent.section };
    for (const e of agent.endpoints) add(agent.id, e, cite);
    for (const o of agent.options ?? []) {
      if (!options.includes(o.id)) continue;
      for (const e of o.endpoints) add(agent.id, e, cite, o.id);
    }
  }

  const endpoints = [...(request.endpoints ?? [])];
  // The site's flows come after the catalogue's, never mixed into them.
  const siteFlows = sortFlows(siteEndpointFlows(catalogue, endpoints));
  return planOf(catalogue, { agents, options, endpoints }, [...sortFlows([...flows.values()]), ...siteFlows]);
}

/**
 * A plan of the given flows (the catalogue's, then the site's): the hosts, and what the vendor
 * wildcards cover of the catalogue's. plan() makes its flows; the report gives a saved run's,
 * so its allow-list is built from what was checked exactly as `render` builds rules.
 */
export function planOf(
  catalogue: Catalogue,
  chosen: { agents: readonly string[]; options: readonly string[]; endpoints: readonly SiteEndpoint[] },
  flows: Flow[],
): Plan {
  const ours = flows.filter((f) => f.site === null);
  const catalogueHosts = [...new Set(ours.map((f) => f.host))];
  return {
    catalogueVersion: catalogue.version,
    agents: [...chosen.agents],
    options: [...chosen.options],
    flows,
    hosts: [...new Set(flows.map((f) => f.host))],
    wildcards: catalogue.wildcards.patterns.map((w) => ({
      pattern: w.pattern,
      covers: catalogueHosts.filter((h) => wildcardCovers(w.pattern, h)),
      risk: w.risk ?? null,
    })),
    uncovered: [...new Set(ours.filter((f) => f.wildcard === null).map((f) => f.host))],
    endpoints: [...chosen.endpoints],
  };
}

/** One flow per port of each site endpoint: exact hosts, no agent, no catalogue passage. */
function siteEndpointFlows(catalogue: Catalogue, endpoints: readonly SiteEndpoint[]): Flow[] {
  const known = catalogueHosts(catalogue);
  const clash = endpoints.find((e) => known.has(e.host));
  // Profiles refuse this with the field's name; here it guards every other way in.
  if (clash) throw new PlanError(`site endpoint ${clash.host} is in the catalogue ${catalogue.version}: choose its agent instead`);
  return endpoints.flatMap((e) =>
    e.ports.map((port) => ({
      host: e.host,
      protocol: 'tcp' as const,
      port,
      portStated: true,
      agents: [],
      options: [],
      // A wildcard never takes a site endpoint in: its rules stay by name, and say why.
      wildcard: null,
      service: null,
      clientCertificate: false,
      alpn: null,
      notes: [],
      provenance: [],
      site: { reason: e.reason, requestedBy: e.requestedBy },
    })),
  );
}

/** LAN-side flows (hardening guide) for the chosen agents, plus the ones tied to no agent. */
export function planLan(catalogue: Catalogue, agentIds: readonly string[]): LanFlow[] {
  const chosen = new Set(resolveAgents(catalogue, agentIds));
  const fileOf = sourceFiles(catalogue);
  const out: LanFlow[] = [];
  for (const l of catalogue.lan) {
    const agents = l.agents ? l.agents.filter((a) => chosen.has(a)) : null;
    if (agents !== null && agents.length === 0) continue;
    out.push({
      id: l.id,
      service: l.service,
      from: l.from,
      to: l.to,
      protocol: l.protocol,
      port: l.port,
      protocolStated: l.protocolStated ?? true,
      agents,
      description: l.description,
      provenance: { source: l.source, file: fileOf(l.source), section: [...l.section], quote: l.quote },
    });
  }
  return out;
}

/** Validates agent ids and returns them deduplicated, in catalogue order. */
export function resolveAgents(catalogue: Catalogue, ids: readonly string[]): string[] {
  if (ids.length === 0) throw new PlanError(`no agents chosen; valid: ${agentIdList(catalogue)}`);
  const known = new Set(catalogue.agents.map((a) => a.id));
  for (const id of ids) {
    if (!known.has(id)) throw new UnknownAgentError(id, agentIdList(catalogue));
  }
  const wanted = new Set(ids);
  return catalogue.agents.filter((a) => wanted.has(a.id)).map((a) => a.id);
}

function resolveOptions(catalogue: Catalogue, agents: readonly string[], ids: readonly string[]): string[] {
  // Each option belongs to one agent, and is named by its flag in messages.
  const owner = new Map<string, { id: string; flag: string }>();
  for (const a of catalogue.agents) for (const o of a.options ?? []) owner.set(o.id, { id: a.id, flag: o.flag });
  const valid = [...owner.keys()].join(', ');
  for (const id of ids) {
    const agent = owner.get(id);
    if (agent === undefined) throw new PlanError(`unknown option ${quoteValue(id)}; valid: ${valid}`);
    if (!agents.includes(agent.id)) {
      throw new PlanError(`${agent.flag} applies to agent ${agent.id}; add ${agent.id} to the agents or drop ${agent.flag}`);
    }
  }
  return [...owner.keys()].filter((id) => ids.includes(id));
}

export function agentIdList(catalogue: Catalogue): string {
  return catalogue.agents.map((a) => a.id).join(', ');
}

/** Seed file name of a source id (the schema checks every cited id exists). */
function sourceFiles(catalogue: Catalogue): (source: string) => string {
  const files = new Map(catalogue.sources.map((s) => [s.id, s.file]));
  return (source) => files.get(source) ?? source;
}

// Hosts grouped by domain (labels compared right to left), then by port.
function sortFlows(flows: Flow[]): Flow[] {
  const key = new Map(flows.map((f) => [f, f.host.split('.').reverse().join('.')]));
  return flows.sort((a, b) => {
    const ka = key.get(a) ?? '';
    const kb = key.get(b) ?? '';
    return ka === kb ? a.port - b.port : ka < kb ? -1 : 1;
  });
}
