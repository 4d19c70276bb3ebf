// What changed between two saved runs, or between two site profiles: flows added or removed
// (a catalogue update, another agent, a site endpoint), flows that broke or work again,
// certificate issuers that changed (a new inspection CA), certificates about to expire, and
// the settings around them. Pure and deterministic: `diff` prints it, the report renders it.
import { type Catalogue, type CatalogueChange, compareVersions } from './catalogue.js';
import type { CheckStatus } from './check/result.js';
import { type Flow, plan } from './planner.js';
import { type SiteAnswers, profileDocument } from './profile.js';
import type { SavedFlow, SavedRun } from './saved-run.js';
import type { SiteEndpoint, SiteRequest } from './site-endpoints.js';
import { EXPIRY_DAYS, daysUntil } from './expiry.js';

/** Certificates that expire within this many days of the newer run are named. */
export { EXPIRY_DAYS };

/** A flow as the diff names it: where to, and who needs it (agents, or the site). */
export interface FlowRef {
  host: string;
  port: number;
  agents: string[];
  site: SiteRequest | null;
}

export interface StatusChange extends FlowRef {
  from: CheckStatus;
  to: CheckStatus;
  /** The newer run's one-line detail (remote text: escape it where shown). */
  detail: string;
}

export interface IssuerChange extends FlowRef {
  from: string;
  to: string;
}

export interface Expiry extends FlowRef {
  /** The certificate's notAfter, ISO 8601. */
  expires: string;
  /** Whole days from the newer run's start to the expiry; negative once expired. */
  days: number;
  issuer: string | null;
}

/** A setting that differs: its name and both values as text (null: not set). */
export interface FieldChange {
  field: string;
  from: string | null;
  to: string | null;
}

export interface EndpointChanges {
  added: SiteEndpoint[];
  removed: SiteEndpoint[];
  /** Same host, other ports, reason or requester. */
  changed: { host: string; from: SiteEndpoint; to: SiteEndpoint }[];
}

export interface CatalogueDelta {
  from: string;
  to: string;
  /** Hosts the change log adds and removes between the two versions (net, either direction). */
  hostsAdded: string[];
  hostsRemoved: string[];
  /** The change-log entries between them, newest first, from the newer catalogue's log. */
  changes: CatalogueChange[];
  /** False when the newer catalogue's log does not reach back to the older version. */
  logged: boolean;
}

export interface Lists {
  added: string[];
  removed: string[];
}

interface DiffCommon {
  catalogue: CatalogueDelta | null;
  agents: Lists;
  options: Lists;
  flows: { added: FlowRef[]; removed: FlowRef[] };
  endpoints: EndpointChanges;
  settings: FieldChange[];
}

/** One side of a run diff, for the heading. */
export interface RunSide {
  startedAt: string;
  catalogue: string;
  checkedFrom: string;
  flows: number;
  failed: number;
}

export interface RunDiff extends DiffCommon {
  kind: 'runs';
  old: RunSide;
  new: RunSide;
  /** Worked in the older run, fail in the newer. */
  broke: StatusChange[];
  /** Failed in the older run, work in the newer. */
  fixed: StatusChange[];
  /** Failed in both, for another reason. */
  changed: StatusChange[];
  issuers: IssuerChange[];
  /** The newer run's certificates that expire within EXPIRY_DAYS of it, or have expired. */
  expiring: Expiry[];
  /** Flows in both runs with the same status. */
  unchanged: { ok: number; failing: number };
}

export interface ProfileDiff extends DiffCommon {
  kind: 'profiles';
  /** The catalogue both profiles were planned with. */
  catalogueVersion: string;
}

export type Diff = RunDiff | ProfileDiff;

const key = (f: { host: string; port: number }) => `${f.host}:${f.port}`;

/** Two saved runs, older first (by the user's word: the diff is OLD → NEW). */
export function diffRuns(older: SavedRun, newer: SavedRun): RunDiff {
  const before = new Map(older.flows.map((f) => [key(f), f]));
  const after = new Map(newer.flows.map((f) => [key(f), f]));
  const both = newer.flows.filter((f) => before.has(key(f))).map((f) => [before.get(key(f)) as SavedFlow, f] as const);
  const change = (o: SavedFlow, n: SavedFlow): StatusChange => ({ ...ref(n), from: o.status, to: n.status, detail: n.detail });
  return {
    kind: 'runs',
    old: side(older),
    new: side(newer),
    catalogue: catalogueDelta(older.catalogue, newer.catalogue),
    agents: lists(older.agents, newer.agents),
    options: lists(older.options, newer.options),
    flows: {
      added: newer.flows.filter((f) => !before.has(key(f))).map(ref),
      removed: older.flows.filter((f) => !after.has(key(f))).map(ref),
    },
    broke: both.filter(([o, n]) => o.status === 'ok' && n.status !== 'ok').map(([o, n]) => change(o, n)),
    fixed: both.filter(([o, n]) => o.status !== 'ok' && n.status === 'ok').map(([o, n]) => change(o, n)),
    changed: both.filter(([o, n]) => o.status !== 'ok' && n.status !== 'ok' && o.status !== n.status).map(([o, n]) => change(o, n)),
    // Only where both runs reached a certificate: a flow that no longer gets to TLS has not changed issuer.
    issuers: both
      .filter(([o, n]) => o.issuer !== null && n.issuer !== null && o.issuer !== n.issuer)
      .map(([o, n]) => ({ ...ref(n), from: o.issuer as string, to: n.issuer as string })),
    expiring: newer.flows.flatMap((f) => {
      const expires = f.tls?.expires ?? null;
      const days = daysUntil(expires, newer.startedAt);
      return expires !== null && days !== null && days <= EXPIRY_DAYS ? [{ ...ref(f), expires, days, issuer: f.issuer }] : [];
    }),
    endpoints: endpointChanges(older.endpoints, newer.endpoints),
    settings: [
      ...fields(
        { resolver: older.resolver, proxy: older.proxy, pac: pacText(older), timeoutMs: String(older.timeoutMs), catalogueFile: older.catalogue.file },
        { resolver: newer.resolver, proxy: newer.proxy, pac: pacText(newer), timeoutMs: String(newer.timeoutMs), catalogueFile: newer.catalogue.file },
      ),
      ...profileFields(older.profile?.document ?? null, newer.profile?.document ?? null),
    ],
    unchanged: {
      ok: both.filter(([o, n]) => o.status === 'ok' && n.status === 'ok').length,
      failing: both.filter(([o, n]) => o.status !== 'ok' && o.status === n.status).length,
    },
  };
}

/** Two site profiles, planned with the same catalogue: what the rules and the check would change. */
export function diffProfiles(older: SiteAnswers, newer: SiteAnswers, catalogue: Catalogue): ProfileDiff {
  const flowsOf = (a: SiteAnswers) => plan(catalogue, { agents: a.agents, options: a.options, endpoints: a.endpoints }).flows;
  const before = flowsOf(older);
  const after = flowsOf(newer);
  const had = new Set(before.map(key));
  const has = new Set(after.map(key));
  return {
    kind: 'profiles',
    catalogueVersion: catalogue.version,
    catalogue: null,
    agents: lists(older.agents, newer.agents),
    options: lists(older.options, newer.options),
    flows: { added: after.filter((f) => !had.has(key(f))).map(ref), removed: before.filter((f) => !has.has(key(f))).map(ref) },
    endpoints: endpointChanges(older.endpoints, newer.endpoints),
    settings: profileFields(profileDocument(older), profileDocument(newer)),
  };
}

/** True when the diff found nothing at all. */
export function isEmpty(d: Diff): boolean {
  const common =
    d.catalogue === null &&
    d.agents.added.length + d.agents.removed.length + d.options.added.length + d.options.removed.length === 0 &&
    d.flows.added.length + d.flows.removed.length === 0 &&
    d.endpoints.added.length + d.endpoints.removed.length + d.endpoints.changed.length === 0 &&
    d.settings.length === 0;
  if (d.kind === 'profiles') return common;
  return common && d.broke.length + d.fixed.length + d.changed.length + d.issuers.length + d.expiring.length === 0;
}

function ref(f: Pick<Flow | SavedFlow, 'host' | 'port' | 'agents'> & { site?: SiteRequest | null | undefined }): FlowRef {
  return { host: f.host, port: f.port, agents: [...f.agents], site: f.site ?? null };
}

function side(r: SavedRun): RunSide {
  return { startedAt: r.startedAt, catalogue: r.catalogue.version, checkedFrom: r.checkedFrom, flows: r.summary.total, failed: r.summary.failed };
}

function lists(before: readonly string[], after: readonly string[]): Lists {
  return { added: after.filter((x) => !before.includes(x)), removed: before.filter((x) => !after.includes(x)) };
}

function pacText(r: SavedRun): string | null {
  return r.pac === null ? null : `${r.pac.file} (sha256 ${r.pac.sha256.slice(0, 12)})`;
}

function fields(before: Record<string, string | null>, after: Record<string, string | null>): FieldChange[] {
  return Object.keys({ ...before, ...after })
    .filter((k) => (before[k] ?? null) !== (after[k] ?? null))
    .map((k) => ({ field: k, from: before[k] ?? null, to: after[k] ?? null }));
}

/** The profile's own fields (the agents, options and endpoints are compared on their own). */
function profileFields(before: Record<string, unknown> | null, after: Record<string, unknown> | null): FieldChange[] {
  if (before === null && after === null) return [];
  if (before === null || after === null) return [{ field: 'profile', from: before === null ? null : 'used', to: after === null ? null : 'used' }];
  const skip = new Set(['format', 'version', 'agents', 'options', 'endpoints']);
  const text = (v: unknown) => (v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !skip.has(k));
  return fields(Object.fromEntries(names.map((k) => [k, text(before[k])])), Object.fromEntries(names.map((k) => [k, text(after[k])]))).map((c) => ({
    ...c,
    field: `profile ${c.field}`,
  }));
}

function endpointChanges(before: readonly SiteEndpoint[], after: readonly SiteEndpoint[]): EndpointChanges {
  const old = new Map(before.map((e) => [e.host, e]));
  const now = new Map(after.map((e) => [e.host, e]));
  const same = (a: SiteEndpoint, b: SiteEndpoint) => a.ports.join() === b.ports.join() && a.reason === b.reason && a.requestedBy === b.requestedBy;
  return {
    added: after.filter((e) => !old.has(e.host)),
    removed: before.filter((e) => !now.has(e.host)),
    changed: after.flatMap((e) => {
      const o = old.get(e.host);
      return o && !same(o, e) ? [{ host: e.host, from: o, to: e }] : [];
    }),
  };
}

/**
 * The catalogue versions of two runs, and what the newer one's change log says lies between
 * them: the entries after the older version up to the newer, and the hosts they add and
 * remove on balance. A downgrade reads the same log backwards.
 */
export function catalogueDelta(
  older: { version: string; changes: CatalogueChange[] },
  newer: { version: string; changes: CatalogueChange[] },
): CatalogueDelta | null {
  const direction = compareVersions(newer.version, older.version);
  if (direction === 0) return null;
  const [low, high] = direction > 0 ? [older, newer] : [newer, older];
  const between = high.changes.filter((c) => compareVersions(c.version, low.version) > 0 && compareVersions(c.version, high.version) <= 0);
  const added = new Set<string>();
  const removed = new Set<string>();
  for (const c of [...between].reverse()) {
    for (const h of c.removed) if (!added.delete(h)) removed.add(h);
    for (const h of c.added) if (!removed.delete(h)) added.add(h);
  }
  const [up, down] = direction > 0 ? [added, removed] : [removed, added];
  return {
    from: older.version,
    to: newer.version,
    hostsAdded: [...up],
    hostsRemoved: [...down],
    changes: between,
    logged: reachesBack(high.changes, low),
  };
}

/** What a delta whose log does not account for it says: which log falls short of which version. */
export function unloggedText(d: CatalogueDelta): string {
  const [low, high] = compareVersions(d.from, d.to) < 0 ? [d.from, d.to] : [d.to, d.from];
  return `catalogue ${high}'s change log does not reach back to ${low} as the other run's catalogue has it: only what it lists`;
}

/**
 * The higher catalogue's log holds the lower version as the lower catalogue itself has it:
 * then replaying the entries between gives the change exactly. A log that stops short, skips
 * that version, or has another entry for it (another lineage: a regional file numbered
 * alike) says only part of it.
 */
function reachesBack(log: readonly CatalogueChange[], low: { version: string; changes: CatalogueChange[] }): boolean {
  const own = low.changes.find((c) => c.version === low.version);
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((h) => b.includes(h));
  return log.some((c) => c.version === low.version && (own === undefined || (same(c.added, own.added) && same(c.removed, own.removed))));
}
