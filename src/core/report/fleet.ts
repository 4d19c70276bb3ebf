// Several sites (or one site from several networks) side by side: the flows failing at each,
// and the causes that recur, so a fix made once (a proxy policy, a DNS filter) is seen to
// matter at every site it applies to. Pure.
import type { CauseKind, Owner } from './owners.js';
import type { SiteReport } from './site.js';

export interface FleetSite {
  id: string;
  name: string;
  checkedFrom: string;
  startedAt: string;
  total: number;
  ok: number;
  needChanges: number;
  untried: number;
  /** The owners with something to change at this site. */
  owners: Owner[];
}

export interface FleetCause extends CauseKind {
  /** The sites where it occurs, with how many of their flows. */
  sites: { id: string; name: string; flows: number }[];
  flows: number;
}

export interface Fleet {
  sites: FleetSite[];
  /** Every kind of failure at any site, those at the most sites first. */
  causes: FleetCause[];
  /** How many of them occur at more than one site. */
  recurring: number;
}

export function fleetOf(sites: readonly SiteReport[]): Fleet {
  const causes = new Map<string, FleetCause>();
  for (const s of sites) {
    for (const f of s.flows) {
      const kind = f.cause;
      if (kind === null) continue;
      const c = causes.get(kind.key) ?? { ...kind, sites: [], flows: 0 };
      const at = c.sites.find((x) => x.id === s.id) ?? { id: s.id, name: s.name, flows: 0 };
      if (!c.sites.includes(at)) c.sites.push(at);
      at.flows += 1;
      c.flows += 1;
      causes.set(kind.key, c);
    }
  }
  const list = [...causes.values()].sort((a, b) => b.sites.length - a.sites.length || b.flows - a.flows || a.label.localeCompare(b.label));
  return {
    sites: sites.map((s) => ({
      id: s.id,
      name: s.name,
      checkedFrom: s.summary.checkedFrom,
      startedAt: s.summary.startedAt,
      total: s.summary.verdict.total,
      ok: s.summary.verdict.ok,
      needChanges: s.summary.verdict.needChanges,
      untried: s.summary.verdict.untried,
      owners: s.summary.changes.map((c) => c.owner),
    })),
    causes: list,
    recurring: list.filter((c) => c.sites.length > 1).length,
  };
}
