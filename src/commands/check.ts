// `check`: the planned flows, tried from this network. The command wires the plan to
// the checker; the checker does the network work, the summary the reasoning.
import type { Catalogue } from '../core/catalogue.js';
import type { HttpProxy } from '../core/proxy-url.js';
import type { CheckOutput } from '../core/check/output.js';
import { summarise } from '../core/check/summary.js';
import { type Flow, plan } from '../core/planner.js';
import type { DnsServer } from '../core/site.js';
import type { SiteEndpoint } from '../core/site-endpoints.js';
import { escapeUnsafe } from '../core/text.js';
import { serverText } from '../net/dns.js';
import { type ProgressListener, checkFlows } from '../net/check/checker.js';
import { localAddressToward } from '../net/check/local-address.js';
import { once, platformResolver, siteResolver } from '../net/check/lookup.js';
import { pacEngineBytes, pacWorker } from '../io/shipped.js';

export interface CheckRequest {
  agents: readonly string[];
  options: readonly string[];
  /** The site's own endpoints, checked as the catalogue's flows are. */
  endpoints: readonly SiteEndpoint[];
  /** The site's resolver; null: none configured, use the platform's. */
  dnsServer: DnsServer | null;
  proxy: HttpProxy | null;
  pac: { file: string; text: string } | null;
  timeoutMs: number;
  /** null: every flow at once. */
  concurrency: number | null;
}

export interface PreparedCheck {
  flows: Flow[];
  run(progress?: ProgressListener): Promise<CheckOutput>;
  /** Releases what preparing loaded (the PAC sandbox's threads) for a check that will not run. */
  close(): Promise<void>;
}

/** Plans and loads everything that can fail on bad input (agents, PAC file) before any traffic. */
export async function prepareCheck(req: CheckRequest, catalogue: Catalogue): Promise<PreparedCheck> {
  const p = plan(catalogue, { agents: req.agents, options: req.options, endpoints: req.endpoints });
  const resolver = once(req.dnsServer ? siteResolver(req.dnsServer, req.timeoutMs) : platformResolver(req.timeoutMs));
  // The PAC sandbox (a JS parser and a WASM engine) loads only when a PAC file is given.
  const pac = req.pac
    ? await (await import('../net/check/pac.js')).loadPac(req.pac.text, req.pac.file, resolver, req.timeoutMs, await localAddressToward(req.dnsServer), {
        engine: pacEngineBytes,
        worker: pacWorker,
      })
    : null;
  const concurrency = req.concurrency ?? Math.max(1, p.flows.length);
  const notes: string[] = [];
  if (!req.dnsServer) notes.push('no nameserver in /etc/resolv.conf: used the platform resolver, which reports no TTL or CNAME chain');
  if (req.pac)
    notes.push(`routes from the PAC file ${escapeUnsafe(req.pac.file)}${req.proxy ? `; --proxy credentials serve ${req.proxy.text} where it names it` : ''}`);
  else if (req.proxy) notes.push(`every flow through the proxy ${req.proxy.text}${req.proxy.auth ? ` (Basic authentication as ${req.proxy.auth.user})` : ''}`);
  return {
    flows: p.flows,
    async run(progress) {
      // The PAC's worker threads end with the run (each host is routed once).
      const results = await checkFlows(p.flows, { resolver, proxy: req.proxy, pac, timeoutMs: req.timeoutMs, concurrency }, progress).finally(() =>
        pac?.close(),
      );
      return {
        catalogueVersion: p.catalogueVersion,
        agents: p.agents,
        options: p.options,
        resolver: req.dnsServer ? serverText(req.dnsServer) : 'platform',
        timeoutMs: req.timeoutMs,
        concurrency,
        results,
        summary: summarise(results),
        notes,
      };
    },
    close: async () => pac?.close(),
  };
}
