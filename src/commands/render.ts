// `render`: one plan, rendered for one firewall or proxy target.
import type { Catalogue } from '../core/catalogue.js';
import { type TemplateSet, loadTemplateEngine } from '../core/render/engine.js';
import { targets } from '../core/render/index.js';
import type { Meta, RenderOutput, Resolution, Site, TargetId } from '../core/render/target.js';
import { loadTemplates } from '../io/templates.js';
import { plan } from '../core/planner.js';
import { type IotPort, type Mode, buildRules } from '../core/rules.js';
import type { DnsServer } from '../core/site.js';
import type { SiteEndpoint } from '../core/site-endpoints.js';

export interface RenderRequest {
  agents: readonly string[];
  options: readonly string[];
  /** The site's own endpoints (from a profile), rendered apart and marked site-specific. */
  endpoints?: readonly SiteEndpoint[];
  target: TargetId;
  mode: Mode;
  iotPort: IotPort;
  site: Site;
  /** Resolve the planned hosts now, at this server (address-based targets only). */
  resolve: DnsServer | null;
  meta: Meta;
}

export interface RenderServices {
  templates(target: TargetId): Promise<TemplateSet>;
  resolveHosts(hosts: readonly string[], server: DnsServer): Promise<Resolution>;
}

export async function renderTarget(req: RenderRequest, catalogue: Catalogue, services: RenderServices): Promise<RenderOutput> {
  const target = targets[req.target];
  const templates = await services.templates(req.target);
  await loadTemplateEngine(templates);
  const p = plan(catalogue, { agents: req.agents, options: req.options, endpoints: req.endpoints ?? [] });
  const rules = buildRules(catalogue, p, { mode: req.mode, iotPort: req.iotPort });
  const exact = req.mode === 'exact' ? rules : buildRules(catalogue, p, { mode: 'exact', iotPort: req.iotPort });
  // Only address-based targets use the answers; the others name hosts and never look them up.
  const resolution =
    req.resolve && target.usesAddresses
      ? await services.resolveHosts(
          exact.destinations.map((d) => d.name),
          req.resolve,
        )
      : null;
  const out = target.render({ plan: p, rules, exact, site: req.site, meta: req.meta, resolution }, templates);
  const unresolved = resolution ? [...resolution.hosts].filter(([, r]) => r.error !== null) : [];
  return {
    files: out.files,
    warnings: [
      ...(target.takesWildcards ? rules.warnings : []),
      ...out.warnings,
      ...unresolved.map(([host, r]) => `${host} not resolved (${r.error ?? ''}); its set stays empty until dnsmasq fills it`),
      ...[...(resolution?.hosts ?? [])].flatMap(([host, r]) => [
        ...r.failed.map((f) => `${host}: the resolver failed ${f}; the sets hold only the other family's addresses until dnsmasq fills them`),
        ...(r.error === null && r.sinkhole.length > 0
          ? [`${host}: left out ${r.sinkhole.map((x) => x.address).join(', ')} (${ranges(r.sinkhole)}): a DNS filter's answer, not the host`]
          : []),
        ...(r.special.length > 0
          ? [
              `${host} resolves to ${ranges(r.special)} addresses (${r.special.map((x) => x.address).join(', ')}): split-horizon DNS? ` +
                'They are in the sets; check that the devices get the same answers',
            ]
          : []),
      ]),
    ],
  };
}

/** The distinct range names of some answers, e.g. "loopback, private". */
function ranges(answers: readonly { range: string }[]): string {
  return [...new Set(answers.map((x) => x.range))].join(', ');
}

/** What renderWith needs of the program: the catalogue, the tool's name and version, the clock. */
export interface RenderTool {
  catalogue: Catalogue;
  program: string;
  toolVersion: string;
  now(): Date;
}

/** DNS lookups at render time: a few seconds is plenty for a site resolver. */
const RESOLVE_TIMEOUT_MS = 3000;

/** Renders with the shipped templates, the header's time and tool, and the stub resolver:
 *  the one way `render` and the app make files. */
export function renderWith(ctx: RenderTool, req: Omit<RenderRequest, 'meta'>): Promise<RenderOutput> {
  return renderTarget({ ...req, meta: { tool: ctx.program, toolVersion: ctx.toolVersion, generatedAt: ctx.now().toISOString() } }, ctx.catalogue, {
    templates: (t) => loadTemplates(t),
    // The DNS stub (dns-packet) loads only for --resolve.
    resolveHosts: async (hosts, server) => (await import('../net/resolve-hosts.js')).resolveHosts(hosts, server, RESOLVE_TIMEOUT_MS, ctx.now),
  });
}
