// The path a flow takes from the site, as the report draws it: the devices and agent host,
// the resolver, the firewall or proxy, the cloud host; and where along it each flow stops.
// Pure data: the HTML renderer draws it as SVG, the Markdown one as a table.
import type { CheckStatus } from '../check/result.js';
import type { SavedFlow, SavedRun } from '../saved-run.js';

export const STAGES = ['agent-host', 'resolver', 'gateway', 'cloud'] as const;
export type Stage = (typeof STAGES)[number];

export interface PathNode {
  stage: Stage;
  title: string;
  /** One line under the title: the machine, the resolver, the route, the count of hosts. */
  detail: string;
}

export interface PathRow {
  /** host:port */
  flow: string;
  status: CheckStatus;
  /** The stage the flow stops at; `cloud` for a flow that gets out. */
  stop: Stage;
  /** False where the flow did not ask the resolver (a proxy resolves for it). */
  resolved: boolean;
  /** "direct" or "proxy host:port". */
  route: string;
}

export interface PathPicture {
  nodes: PathNode[];
  rows: PathRow[];
}

/** Where a verdict stops the flow: the check's phases, in the order a connection meets them. */
export function stopOf(status: CheckStatus): Stage {
  switch (status) {
    case 'local-error':
      return 'agent-host';
    case 'dns-error':
      return 'resolver';
    case 'timeout':
    case 'refused':
    case 'proxy-error':
    case 'tls-untrusted':
    case 'tls-error':
      return 'gateway';
    case 'ok':
      return 'cloud';
  }
}

export function pathPicture(run: SavedRun): PathPicture {
  const rows = run.flows.map(
    (f: SavedFlow): PathRow => ({ flow: `${f.host}:${f.port}`, status: f.status, stop: stopOf(f.status), resolved: f.dns !== null, route: f.route }),
  );
  // Routes are "direct" or "proxy host:port"; a PAC answer the agents cannot use routes nowhere.
  const direct = run.flows.filter((f) => f.route === 'direct').length;
  const proxied = run.flows.filter((f) => f.route.startsWith('proxy '));
  const proxies = [...new Set(proxied.map((f) => f.route.slice('proxy '.length)))];
  const gateway: PathNode =
    proxied.length === 0
      ? { stage: 'gateway', title: 'Firewall', detail: 'direct connections' }
      : direct === 0
        ? { stage: 'gateway', title: 'Proxy', detail: proxies.join(', ') }
        : { stage: 'gateway', title: 'Firewall / proxy', detail: `${direct} direct, ${proxied.length} via ${proxies.join(', ')}` };
  const asked = rows.some((r) => r.resolved);
  const hosts = new Set(run.flows.map((f) => f.host)).size;
  return {
    nodes: [
      { stage: 'agent-host', title: 'Devices and agent host', detail: `checked from ${run.checkedFrom}` },
      { stage: 'resolver', title: 'Resolver', detail: asked ? run.resolver : 'not asked: the proxy resolves' },
      gateway,
      { stage: 'cloud', title: 'Cloud hosts', detail: `${hosts} host${hosts === 1 ? '' : 's'}, ${rows.length} flow${rows.length === 1 ? '' : 's'}` },
    ],
    rows,
  };
}
