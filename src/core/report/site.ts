// One site's part of the report: its summary and verdict, the changes to make by owner, the
// path picture, the flow table, the allow-list (exact and wildcard) and the provenance of
// each flow. The flows are the run's own (what was checked); the catalogue adds where each
// comes from and which vendor wildcard covers it. Pure.
import type { Catalogue } from '../catalogue.js';
import type { CheckStatus, Timings } from '../check/result.js';
import type { Cause, Warning } from '../check/summary.js';
import { InputError } from '../errors.js';
import { type Flow, type Plan, plan, planOf } from '../planner.js';
import { type Mode, buildRules } from '../rules.js';
import { EXPIRY_DAYS, daysUntil } from '../expiry.js';
import type { SavedFlow, SavedRun } from '../saved-run.js';
import type { SiteRequest } from '../site-endpoints.js';
import { coveringWildcard } from '../wildcards.js';
import type { ReportRun } from './model.js';
import { type CauseKind, OWNERS, OWNER_TITLES, type Owner, causeKind, ownerOf } from './owners.js';
import { type PathPicture, pathPicture } from './path.js';

export interface Verdict {
  total: number;
  ok: number;
  /** Failing flows the site must change something for. */
  needChanges: number;
  /** Flows this machine could not try (local-error): their verdict is not known. */
  untried: number;
  /** "14 of 17 flows get out; 3 need changes". */
  text: string;
}

export interface OwnerChanges {
  owner: Owner;
  title: string;
  causes: Cause[];
}

export interface SiteSummary {
  site: string;
  startedAt: string;
  seconds: number;
  checkedFrom: string;
  agents: { id: string; name: string }[];
  options: string[];
  /** The site's own endpoints checked (beyond the catalogue). */
  endpoints: number;
  catalogue: { version: string; file: string | null };
  resolver: string;
  /** "direct", "proxy http://…", or "PAC file … (sha256 …)". */
  route: string;
  timeoutMs: number;
  verdict: Verdict;
  /** The changes to make, by owner, in OWNERS order; only owners with something to change. */
  changes: OwnerChanges[];
  warnings: Warning[];
  /** What the reader should know about the data: another catalogue, the check's own notes. */
  notes: string[];
}

export interface FlowRow {
  host: string;
  port: number;
  /** False: Canon's document names the host without a port; 443 is assumed. */
  portStated: boolean;
  agents: string[];
  site: SiteRequest | null;
  /** The agents, or the site's reason and who asked. */
  neededBy: string;
  status: CheckStatus;
  owner: Owner | null;
  /** The kind of failure (its owner, a short label); null for a flow that gets out. */
  cause: CauseKind | null;
  detail: string;
  route: string;
  timings: Timings;
  issuer: string | null;
  tlsVersion: string | null;
  expires: string | null;
  /** Whole days from the check to the certificate's expiry; negative once expired. */
  expiresInDays: number | null;
  /** Within EXPIRY_DAYS of the check, or expired. */
  expiringSoon: boolean;
  clientCertificate: boolean;
}

export interface AllowRule {
  kind: 'host' | 'wildcard';
  /** The host, or the wildcard pattern. */
  name: string;
  port: number;
  portStated: boolean;
  neededBy: string;
  /** The checked hosts it lets through. */
  hosts: string[];
  /** What a wildcard opens beyond them. */
  risk: string | null;
  clientCertificate: boolean;
  site: SiteRequest | null;
  /** Its flows that fail now (host:port): the rule is missing or not working yet. */
  failing: string[];
}

export interface AllowList {
  exact: AllowRule[];
  wildcard: AllowRule[];
  /** What wildcard mode opens and what it keeps by name (rules.ts's warnings). */
  wildcardWarnings: string[];
}

export interface ProvenanceCite {
  agent: string;
  option: string | null;
  /** The document's title, and its file in the seeds. */
  document: string;
  file: string;
  /** The path of headings that opens the passage. */
  section: string[];
  quote: string;
  /** False where this passage names the host without a port. */
  portStated: boolean;
}

export interface ProvenanceRow {
  host: string;
  port: number;
  portStated: boolean;
  site: SiteRequest | null;
  cites: ProvenanceCite[];
  /** What the catalogue adds about the host (e.g. the AWS IoT client-certificate facts), with its reference. */
  notes: { text: string; reference: string }[];
  /** A catalogue flow the report's catalogue has no passage for (the run used another catalogue). */
  missing: boolean;
}

export interface SiteReport {
  /** An anchor: site-1, site-2... */
  id: string;
  name: string;
  /** The saved run's file. */
  file: string;
  summary: SiteSummary;
  path: PathPicture;
  flows: FlowRow[];
  allowList: AllowList;
  provenance: ProvenanceRow[];
}

const key = (f: { host: string; port: number }) => `${f.host}:${f.port}`;

export function siteReport(r: ReportRun, index: number, all: readonly ReportRun[], catalogue: Catalogue): SiteReport {
  const { run } = r;
  const notes: string[] = [];
  const planned = catalogueFlows(run, catalogue, notes);
  const flows = run.flows.map((f) => flowRow(f, run));
  const missing = run.flows.filter((f) => f.site === undefined && !planned.has(key(f)));
  if (missing.length > 0)
    notes.push(
      `${missing.length} flow${missing.length === 1 ? ' is' : 's are'} not in catalogue ${catalogue.version}: no provenance for ${missing.map(key).join(', ')}`,
    );
  notes.push(...run.notes);
  const planLike = runPlan(run, catalogue, planned);
  return {
    id: `site-${index + 1}`,
    name: siteName(r, all),
    file: r.file,
    summary: {
      site: siteName(r, all),
      startedAt: run.startedAt,
      seconds: run.seconds,
      checkedFrom: run.checkedFrom,
      agents: run.agents.map((id) => ({ id, name: catalogue.agents.find((a) => a.id === id)?.name ?? id })),
      options: [...run.options],
      endpoints: run.endpoints.length,
      catalogue: { version: run.catalogue.version, file: run.catalogue.file },
      resolver: run.resolver,
      route: run.pac !== null ? `PAC file ${run.pac.file} (sha256 ${run.pac.sha256.slice(0, 12)})` : run.proxy !== null ? `proxy ${run.proxy}` : 'direct',
      timeoutMs: run.timeoutMs,
      verdict: verdictOf(run),
      changes: OWNERS.map((owner) => ({
        owner,
        title: OWNER_TITLES[owner],
        causes: run.summary.causes.filter((c) => c.status !== 'ok' && ownerOf(c.status) === owner),
      })).filter((g) => g.causes.length > 0),
      warnings: run.summary.warnings,
      notes,
    },
    path: pathPicture(run),
    flows,
    allowList: allowList(planLike, catalogue, flows),
    provenance: run.flows.map((f) => provenanceRow(f, planned.get(key(f)) ?? null, catalogue)),
  };
}

/** The profile's site name, else the run file's name; made unique among the report's runs. */
function siteName(r: ReportRun, all: readonly ReportRun[]): string {
  const base = (x: ReportRun) => {
    const site = x.run.profile?.document['site'];
    return typeof site === 'string' && site !== '' ? site : fileBase(x.file);
  };
  const name = base(r);
  const twins = all.filter((x) => base(x) === name);
  if (twins.length === 1) return name;
  // The same site checked from two networks: the file tells them apart.
  const byFile = twins.filter((x) => fileBase(x.file) === fileBase(r.file));
  return byFile.length === 1 ? `${name} (${fileBase(r.file)})` : `${name} (${twins.indexOf(r) + 1})`;
}

function fileBase(path: string): string {
  const name = path.split(/[\\/]/).pop() ?? path;
  return name.replace(/\.json$/i, '') || name;
}

export function verdictOf(run: SavedRun): Verdict {
  const { total, ok, failed, counts } = run.summary;
  const untried = counts['local-error'];
  const needChanges = failed - untried;
  const parts =
    total === 0
      ? ['No flows were checked']
      : ok === total
        ? [`All ${total} flow${total === 1 ? '' : 's'} get out; nothing to change`]
        : [
            `${ok} of ${total} flows get out`,
            ...(needChanges > 0 ? [`${needChanges} need${needChanges === 1 ? 's' : ''} changes`] : []),
            ...(untried > 0 ? [`${untried} could not be tried from this machine`] : []),
          ];
  return { total, ok, needChanges, untried, text: parts.join('; ') };
}

/** The catalogue's flows for the run's agents and options, by host:port; empty (with a note)
 *  where the report's catalogue cannot plan them (agents it does not know). */
function catalogueFlows(run: SavedRun, catalogue: Catalogue, notes: string[]): Map<string, Flow> {
  if (run.catalogue.version !== catalogue.version) {
    const file = run.catalogue.file === null ? 'the shipped one' : run.catalogue.file;
    notes.push(`checked with catalogue ${run.catalogue.version} (${file}); provenance and vendor wildcards here are from catalogue ${catalogue.version}`);
  }
  try {
    const p = plan(catalogue, { agents: run.agents, options: run.options });
    return new Map(p.flows.map((f) => [key(f), f]));
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    notes.push(`catalogue ${catalogue.version} cannot plan this run's agents (${err.message})`);
    return new Map();
  }
}

/** The run's flows as a plan, so the allow-list is built exactly as `render` builds rules. */
function runPlan(run: SavedRun, catalogue: Catalogue, planned: ReadonlyMap<string, Flow>): Plan {
  const patterns = catalogue.wildcards.patterns.map((w) => w.pattern);
  const flows = run.flows.map((f): Flow => {
    const p = planned.get(key(f));
    return {
      host: f.host,
      protocol: 'tcp',
      port: f.port,
      portStated: f.portStated,
      agents: [...f.agents],
      options: [...f.options],
      // A site endpoint is never taken in by a vendor wildcard (planner.ts).
      wildcard: f.site === undefined ? (p?.wildcard ?? coveringWildcard(patterns, f.host)) : null,
      service: p?.service ?? null,
      clientCertificate: f.clientCertificate,
      alpn: p?.alpn ?? null,
      notes: p?.notes ?? [],
      provenance: p?.provenance ?? [],
      site: f.site ?? null,
    };
  });
  return planOf(catalogue, run, flows);
}

function neededBy(f: { agents: readonly string[]; site: SiteRequest | null }): string {
  return f.site !== null ? `site: ${f.site.reason} (asked by ${f.site.requestedBy})` : f.agents.join(', ');
}

function flowRow(f: SavedFlow, run: SavedRun): FlowRow {
  const expires = f.tls?.expires ?? null;
  const days = daysUntil(expires, run.startedAt);
  const site = f.site ?? null;
  return {
    host: f.host,
    port: f.port,
    portStated: f.portStated,
    agents: [...f.agents],
    site,
    neededBy: neededBy({ agents: f.agents, site }),
    status: f.status,
    owner: f.status === 'ok' ? null : ownerOf(f.status),
    cause: causeKind(f),
    detail: f.detail,
    route: f.route,
    timings: { ...f.timings },
    issuer: f.issuer,
    tlsVersion: f.tls?.version ?? null,
    expires,
    expiresInDays: days,
    expiringSoon: days !== null && days <= EXPIRY_DAYS,
    clientCertificate: f.clientCertificate,
  };
}

function allowList(p: Plan, catalogue: Catalogue, flows: readonly FlowRow[]): AllowList {
  const failing = new Set(flows.filter((f) => f.status !== 'ok').map(key));
  const rules = (mode: Mode) => buildRules(catalogue, p, { mode, iotPort: 'both' });
  const list = (mode: Mode) =>
    rules(mode).rules.map(
      (r): AllowRule => ({
        kind: r.kind,
        name: r.name,
        port: r.port,
        portStated: r.portStated,
        neededBy: neededBy(r),
        hosts: [...r.hosts],
        risk: r.risk,
        clientCertificate: r.clientCertificate,
        site: r.site,
        failing: r.hosts.map((h) => `${h}:${r.port}`).filter((k) => failing.has(k)),
      }),
    );
  return { exact: list('exact'), wildcard: list('wildcard'), wildcardWarnings: rules('wildcard').warnings };
}

function provenanceRow(f: SavedFlow, planned: Flow | null, catalogue: Catalogue): ProvenanceRow {
  const title = (id: string) => catalogue.sources.find((s) => s.id === id)?.title ?? id;
  return {
    host: f.host,
    port: f.port,
    portStated: f.portStated,
    site: f.site ?? null,
    cites: (planned?.provenance ?? []).map((c) => ({
      agent: c.agent,
      option: c.option ?? null,
      document: title(c.source),
      file: c.file,
      section: [...c.section],
      quote: c.quote,
      portStated: c.portStated,
    })),
    notes: (planned?.notes ?? []).map((n) => ({ ...n })),
    missing: f.site === undefined && planned === null,
  };
}
