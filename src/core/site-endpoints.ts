// A site's own endpoints: hosts beyond the catalogue that the site needs (Canon's document tells
// customers to ask their Canon representative for the URLs their environment needs). A
// profile lists them with the reason and who asked; they go through plan, check, render and
// saved runs marked as site-specific, and never carry the catalogue's provenance. Pure.
import { type Catalogue, catalogueHosts, isHostName } from './catalogue.js';
import { InputError } from './errors.js';
import { parseIp } from './site.js';
import { hasUnsafe, quoteValue } from './text.js';

/** Why the site needs a flow the catalogue does not have, and who asked for it. */
export interface SiteRequest {
  reason: string;
  requestedBy: string;
}

/** One host the site adds, on one or more TCP ports. */
export interface SiteEndpoint extends SiteRequest {
  host: string;
  ports: number[];
  /** Every flow is an outbound TCP connection: the check tries TCP (and TLS), the targets write tcp rules. */
  protocol: 'tcp';
}

/** An endpoint as a profile or a saved run holds it, before it is checked. */
export interface EndpointInput {
  host: string;
  ports: readonly number[];
  protocol?: string | undefined;
  reason: string;
  requestedBy: string;
}

/**
 * Bounds that keep every rendered line short: a description naming a 253-character host, 6
 * ports, the reason and who asked stays within the 1024 bytes of the tools' line buffers even
 * in 4-byte characters, or in quotes that XML writes as 6-byte references.
 */
export const ENDPOINT_LIMITS = { endpoints: 100, ports: 6, reason: 60, requestedBy: 40 } as const;

/** A site endpoint that cannot be used; the message is one line naming the field. */
export class SiteEndpointError extends InputError {
  override name = 'SiteEndpointError';
}

/** Names a field of endpoint `i` in messages: the profile's `"endpoints.0.host"` by default. */
export type EndpointField = (i: number, field: string) => string;
const profileField: EndpointField = (i, field) => `"endpoints.${i}.${field}"`;

/** Checks the endpoints against the catalogue: exact host names it does not have, TCP ports,
 *  a bounded reason and requester; hosts in lower case, ports sorted. */
export function parseSiteEndpoints(items: readonly EndpointInput[], catalogue: Catalogue, field: EndpointField = profileField): SiteEndpoint[] {
  const endpoints = checkSiteEndpoints(items, field);
  const inCatalogue = catalogueHosts(catalogue);
  for (const [i, e] of endpoints.entries()) {
    if (!inCatalogue.has(e.host)) continue;
    const agents = catalogue.agents.filter((a) => [...a.endpoints, ...(a.options ?? []).flatMap((o) => o.endpoints)].some((x) => x.host === e.host));
    throw new SiteEndpointError(
      `${field(i, 'host')}: ${e.host} is in the catalogue ${catalogue.version} (${agents.map((a) => a.id).join(', ')}): ` +
        'choose the agent that needs it instead; site endpoints are for hosts the catalogue does not have',
    );
  }
  return endpoints;
}

/** The same checks without a catalogue (a saved run names the catalogue it was checked with,
 *  which need not be at hand). */
export function checkSiteEndpoints(items: readonly EndpointInput[], field: EndpointField = profileField): SiteEndpoint[] {
  if (items.length > ENDPOINT_LIMITS.endpoints) {
    throw new SiteEndpointError(`"endpoints" lists ${items.length} hosts; at most ${ENDPOINT_LIMITS.endpoints}`);
  }
  const seen = new Set<string>();
  return items.map((item, i) => {
    const host = endpointHost(item.host, field(i, 'host'));
    if (seen.has(host)) throw new SiteEndpointError(`${field(i, 'host')}: ${host} is listed twice; give it once, with all its ports`);
    seen.add(host);
    if (item.protocol !== undefined && item.protocol !== 'tcp') {
      throw new SiteEndpointError(
        `${field(i, 'protocol')}: ${quoteValue(item.protocol)} is not supported; valid: tcp ` +
          '(every flow is an outbound TCP connection: the check tries TCP and TLS, the rules allow tcp)',
      );
    }
    return {
      host,
      ports: endpointPorts(item.ports, field(i, 'ports')),
      protocol: 'tcp',
      reason: note(item.reason, field(i, 'reason'), ENDPOINT_LIMITS.reason, 'why the site needs it, e.g. "regional firmware server, per Canon NL"'),
      requestedBy: note(item.requestedBy, field(i, 'requestedBy'), ENDPOINT_LIMITS.requestedBy, 'who asked for it, e.g. "J. Jansen, Canon NL service"'),
    };
  });
}

/** An endpoint as profiles and saved runs write it. */
export function endpointJson(e: SiteEndpoint): Record<string, unknown> {
  return { host: e.host, ports: e.ports, protocol: e.protocol, reason: e.reason, requestedBy: e.requestedBy };
}

function endpointHost(text: string, where: string): string {
  const host = text.toLowerCase();
  if (host.startsWith('*.') || host.includes('*')) {
    throw new SiteEndpointError(
      `${where}: ${quoteValue(text)} is a wildcard; a site endpoint is one exact host (a wildcard would open every host under the domain): list each host`,
    );
  }
  if (parseIp(host.replace(/^\[|\]$/g, '')) !== null) {
    throw new SiteEndpointError(`${where}: ${quoteValue(text)} is an address; give the host name (the rules and the check follow names)`);
  }
  if (!isHostName(host) || /^[\d.]+$/.test(host)) {
    throw new SiteEndpointError(
      `${where}: ${quoteValue(text)} is not a host name; expected letters, digits and hyphens in dot-separated labels, e.g. eu-fw.example.com`,
    );
  }
  return host;
}

function endpointPorts(ports: readonly number[], where: string): number[] {
  if (ports.length === 0) throw new SiteEndpointError(`${where} is empty; give the TCP ports, e.g. [443]`);
  if (ports.length > ENDPOINT_LIMITS.ports) throw new SiteEndpointError(`${where} lists ${ports.length} ports; at most ${ENDPOINT_LIMITS.ports}`);
  for (const p of ports) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new SiteEndpointError(`${where}: ${p} is not a port; valid: 1 to 65535`);
  }
  if (new Set(ports).size !== ports.length) throw new SiteEndpointError(`${where} names a port twice`);
  return [...ports].sort((a, b) => a - b);
}

/** Free text shown in comments, descriptions and reports: one printable line, bounded. */
function note(text: string, where: string, max: number, example: string): string {
  const t = text.trim();
  if (t === '') throw new SiteEndpointError(`${where} is empty; say ${example}`);
  if (hasUnsafe(t)) throw new SiteEndpointError(`${where}: ${quoteValue(t)} contains control characters; use printable text on one line`);
  if ([...t].length > max) throw new SiteEndpointError(`${where} is longer than ${max} characters`);
  return t;
}
