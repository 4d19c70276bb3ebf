// A saved run: one check, written as JSON by `check --save FILE` and the app, for `diff` and
// the report. A documented, versioned format (README, "Saved runs"): the schema below is the
// one definition, checked against the check's own types at compile time, and every file is
// validated when read, its summary recomputed from its flows. Pure: io/run-file.ts reads and
// writes the files.
//
// A run never holds a password: the proxy keeps its user only, and a file with one is refused.
import { z } from 'zod';
import type { Catalogue } from './catalogue.js';
import type { CheckOutput } from './check/output.js';
import { DNS_PROBLEMS, PROXY_PROBLEMS, STATUSES, type CheckResult } from './check/result.js';
import { type Summary, summarise } from './check/summary.js';
import { InputError } from './errors.js';
import type { Flow } from './planner.js';
import { PROFILE_FORMAT, PROFILE_VERSION, ProfileSchema, type SiteAnswers, profileDocument } from './profile.js';
import { type HttpProxy, parseProxyUrl } from './proxy-url.js';
import { type SiteEndpoint, checkSiteEndpoints, endpointJson } from './site-endpoints.js';
import { escapeUnsafe } from './text.js';
import { isHostName } from './catalogue.js';

export const RUN_FORMAT = 'emaint-egress-run';
/** Raised when a field changes meaning or a required one is added; readers refuse other versions. */
export const RUN_VERSION = 1;

/** A run that cannot be read; the message is one line naming the field. */
export class RunError extends InputError {
  override name = 'RunError';
}

// ------------------------------------------------------------------ the schema

const Text = z.string().max(100_000);
const Count = z.number().int().min(0);
const Ms = z.number().min(0).nullable();
const Range = z.strictObject({ address: Text, range: Text });

const Attempt = z.strictObject({
  address: Text,
  result: z.enum(['ok', 'timeout', 'refused', 'unreachable', 'error', 'local']),
  ms: z.number().min(0),
  code: Text.optional(),
});

const Dns = z.strictObject({
  server: Text,
  port: z.number().int().min(1).max(65535).nullable(),
  chain: z.array(Text),
  ttl: z.number().int().min(0).nullable(),
  special: z.array(Range),
  sinkhole: z.array(Range),
  failures: z.array(z.strictObject({ type: z.enum(['A', 'AAAA']), reason: Text })),
});

const Probe = z.strictObject({
  httpStatus: z.number().int().nullable(),
  server: Text.nullable(),
  proxyError: Text.nullable(),
  denied: z.boolean(),
  marked: z.boolean(),
});

const Tls = z.strictObject({
  version: Text.nullable(),
  alpn: Text.nullable(),
  issuer: Text.nullable(),
  subject: Text.nullable(),
  expires: Text.nullable(),
  error: Text.nullable(),
  probe: Probe.optional(),
});

const SiteRequestSchema = z.strictObject({ reason: Text, requestedBy: Text });

/** One flow as planned and as checked: the check's result, plus the plan's options and port. */
const SavedFlowSchema = z.strictObject({
  host: Text.refine(isHostName, 'must be a lower-case DNS name'),
  protocol: z.literal('tcp'),
  port: z.number().int().min(1).max(65535),
  agents: z.array(Text),
  options: z.array(Text),
  portStated: z.boolean(),
  status: z.enum(STATUSES),
  detail: Text,
  route: Text,
  addresses: z.array(Text),
  untried: Count,
  dns: Dns.nullable(),
  attempts: z.array(Attempt),
  tls: Tls.nullable(),
  issuer: Text.nullable(),
  timings: z.strictObject({ dns: Ms, connect: Ms, tls: Ms }),
  clientCertificate: z.boolean(),
  dnsProblem: z.enum(DNS_PROBLEMS).optional(),
  localProblem: Text.optional(),
  proxyProblem: z.enum(PROXY_PROBLEMS).optional(),
  proxyStatus: z.number().int().optional(),
  proxyAuthSchemes: z.array(Text).optional(),
  site: SiteRequestSchema.optional(),
});

const CauseFields = { cause: Text, fix: Text, flows: z.array(Text) };
const SummarySchema = z.strictObject({
  total: Count,
  ok: Count,
  failed: Count,
  counts: z.record(z.enum(STATUSES), Count),
  causes: z.array(z.strictObject({ status: z.enum(STATUSES), ...CauseFields })),
  warnings: z.array(z.strictObject(CauseFields)),
});

const ChangeSchema = z.strictObject({
  version: Text,
  date: Text,
  summary: Text,
  sources: z.array(Text),
  added: z.array(Text),
  removed: z.array(Text),
});

const EndpointSchema = z.strictObject({
  host: Text,
  ports: z.array(z.number()).max(100),
  protocol: z.literal('tcp'),
  reason: Text,
  requestedBy: Text,
});

const RunSchema = z.strictObject({
  format: z.literal(RUN_FORMAT),
  version: z.literal(RUN_VERSION),
  tool: z.strictObject({ name: Text, version: Text }),
  catalogue: z.strictObject({
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a version MAJOR.MINOR.PATCH'),
    file: Text.nullable(),
    changes: z.array(ChangeSchema),
  }),
  startedAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'must be an ISO 8601 UTC time, e.g. 2026-11-21T10:00:00.000Z'),
  seconds: z.number().min(0),
  checkedFrom: Text,
  agents: z.array(Text),
  options: z.array(Text),
  endpoints: z.array(EndpointSchema).max(1000),
  profile: z.strictObject({ path: Text.nullable(), document: ProfileSchema }).nullable(),
  resolver: Text,
  proxy: Text.nullable(),
  pac: z.strictObject({ file: Text, sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex') }).nullable(),
  timeoutMs: z.number().int().min(1),
  concurrency: z.number().int().min(1),
  flows: z.array(SavedFlowSchema).max(100_000),
  summary: SummarySchema,
  notes: z.array(Text),
});
const FIELDS = Object.keys(RunSchema.shape);

// ------------------------------------------------------------------ the types

/** One flow of a saved run: what the check found, and what the plan said of it. */
export type SavedFlow = CheckResult & {
  /** The options (e.g. cca-activation) that add the flow. */
  options: string[];
  /** False where Canon's document names the host without a port (443 assumed). */
  portStated: boolean;
};

export interface SavedRun {
  format: typeof RUN_FORMAT;
  version: typeof RUN_VERSION;
  tool: { name: string; version: string };
  /** The catalogue checked against: its version, the file given with --catalogue (null: the
   *  shipped one), and its change log, so a diff can say what changed between two runs. */
  catalogue: { version: string; file: string | null; changes: Catalogue['changes'] };
  /** When the check started, UTC. */
  startedAt: string;
  /** Wall time of the check. */
  seconds: number;
  /** The machine that checked (its host name). */
  checkedFrom: string;
  agents: string[];
  options: string[];
  /** The site's own endpoints that were checked. */
  endpoints: SiteEndpoint[];
  /** The site profile used, as saved (never a password); null when none was. */
  profile: { path: string | null; document: Record<string, unknown> } | null;
  /** The resolver asked, "ip:port", or "platform". */
  resolver: string;
  /** The proxy, http://[user@]host:port, never with a password; null: direct or a PAC file. */
  proxy: string | null;
  /** The PAC file that routed the flows, and its SHA-256 (a diff sees it change). */
  pac: { file: string; sha256: string } | null;
  timeoutMs: number;
  concurrency: number;
  /** Every flow, in the plan's order. */
  flows: SavedFlow[];
  /** The verdict, as summarise() makes it from the flows. */
  summary: Summary;
  notes: string[];
}

// The schema and the types must not drift apart: each side has every field of the other, of
// the same type (JSON has no undefined, so optional fields are compared without it).
type Defined<T> = T extends readonly (infer U)[] ? Defined<U>[] : T extends object ? { [K in keyof T]-?: Defined<Exclude<T[K], undefined>> } : T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesFlow: Same<Defined<z.infer<typeof SavedFlowSchema>>, Defined<SavedFlow>> = true;
const schemaMatchesSummary: Same<Defined<z.infer<typeof SummarySchema>>, Defined<Summary>> = true;
const schemaMatchesRun: Same<Defined<Omit<z.infer<typeof RunSchema>, 'profile'>>, Defined<Omit<SavedRun, 'profile'>>> = true;
void [schemaMatchesFlow, schemaMatchesSummary, schemaMatchesRun];

// ------------------------------------------------------------------ making one

export interface RunInput {
  tool: { name: string; version: string };
  catalogue: Catalogue;
  /** The --catalogue file, or null for the shipped catalogue. */
  catalogueFile: string | null;
  output: CheckOutput;
  /** The plan's flows, in the order the check ran them (its results' order). */
  flows: readonly Flow[];
  endpoints: readonly SiteEndpoint[];
  startedAt: Date;
  seconds: number;
  checkedFrom: string;
  profile: { path: string | null; answers: SiteAnswers } | null;
  proxy: HttpProxy | null;
  pac: { file: string; sha256: string } | null;
}

export function savedRun(input: RunInput): SavedRun {
  const { output } = input;
  const flows = output.results.map((r, i): SavedFlow => {
    const f = input.flows[i];
    if (!f || f.host !== r.host || f.port !== r.port) throw new Error(`check result ${i} (${r.host}:${r.port}) is not the plan's flow ${i}`);
    return { ...r, options: [...f.options], portStated: f.portStated };
  });
  const proxy = input.proxy;
  return {
    format: RUN_FORMAT,
    version: RUN_VERSION,
    tool: { ...input.tool },
    catalogue: { version: input.catalogue.version, file: input.catalogueFile, changes: input.catalogue.changes },
    startedAt: input.startedAt.toISOString(),
    seconds: Math.round(input.seconds * 1000) / 1000,
    checkedFrom: input.checkedFrom,
    agents: [...output.agents],
    options: [...output.options],
    endpoints: input.endpoints.map((e) => endpointJson(e) as unknown as SiteEndpoint),
    profile: input.profile === null ? null : { path: input.profile.path, document: profileDocument(input.profile.answers) },
    resolver: output.resolver,
    // The user stays, the password never: a run is a file people pass around.
    proxy: proxy === null ? null : `http://${proxy.auth ? `${encodeURIComponent(proxy.auth.user)}@` : ''}${proxy.text}`,
    pac: input.pac,
    timeoutMs: output.timeoutMs,
    concurrency: output.concurrency,
    flows,
    summary: output.summary,
    notes: [...output.notes],
  };
}

// ------------------------------------------------------------------ reading one

/** Validates a parsed run document: the schema, then what must hold between its parts. */
export function parseSavedRun(doc: unknown): SavedRun {
  const head = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : null;
  if (head !== null && head['format'] !== RUN_FORMAT) throw new RunError(`"format" is not "${RUN_FORMAT}": not a saved emaint-egress run`);
  if (head !== null && head['version'] !== RUN_VERSION) {
    const newer = typeof head['version'] === 'number' && head['version'] > RUN_VERSION;
    const given = escapeUnsafe(JSON.stringify(head['version']) ?? 'missing');
    throw new RunError(`"version" is ${given}, not ${RUN_VERSION}: ${newer ? 'a run saved by a newer' : 'not a run of this'} emaint-egress`);
  }
  const parsed = RunSchema.safeParse(doc, { reportInput: true });
  if (!parsed.success) throw new RunError(schemaMessage(parsed.error));
  // JSON has no undefined: the schema's optional fields are absent or set, as SavedRun has them.
  const run = parsed.data as unknown as SavedRun;
  consistency(run);
  return run;
}

/** What the schema cannot say: the parts agree with each other. */
function consistency(run: SavedRun): void {
  const fail = (message: string): never => {
    throw new RunError(message);
  };
  const keys = new Set<string>();
  for (const [i, f] of run.flows.entries()) {
    const key = `${f.host}:${f.port}`;
    if (keys.has(key)) fail(`"flows.${i}": ${key} is listed twice`);
    keys.add(key);
    const stray = f.agents.find((a) => !run.agents.includes(a));
    if (stray !== undefined) fail(`"flows.${i}.agents": ${escapeUnsafe(stray)} is not among the run's agents`);
    const option = f.options.find((o) => !run.options.includes(o));
    if (option !== undefined) fail(`"flows.${i}.options": ${escapeUnsafe(option)} is not among the run's options`);
    if ((f.site === undefined) === (f.agents.length === 0))
      fail(`"flows.${i}": a flow is either the catalogue's (agents) or the site's (site), never both or neither`);
  }
  let endpoints: SiteEndpoint[] = [];
  try {
    endpoints = checkSiteEndpoints(run.endpoints, (i, field) => `"endpoints.${i}.${field}"`);
  } catch (err) {
    if (err instanceof InputError) fail(err.message);
    throw err;
  }
  const siteFlows = run.flows.filter((f) => f.site !== undefined).map((f) => `${f.host}:${f.port}`);
  const planned = endpoints.flatMap((e) => e.ports.map((p) => `${e.host}:${p}`));
  const unplanned = siteFlows.find((k) => !planned.includes(k));
  if (unplanned !== undefined) fail(`"flows": the site flow ${unplanned} is not among the run's endpoints`);
  const unchecked = planned.find((k) => !siteFlows.includes(k));
  if (unchecked !== undefined) fail(`"endpoints": ${unchecked} has no flow`);
  for (const f of run.flows) {
    const e = endpoints.find((x) => x.host === f.host);
    if (f.site && e && (f.site.reason !== e.reason || f.site.requestedBy !== e.requestedBy))
      fail(`"flows": ${f.host}:${f.port} does not give its endpoint's reason`);
  }
  const [newest] = run.catalogue.changes;
  if (newest && newest.version !== run.catalogue.version)
    fail(`"catalogue.changes": the newest entry is ${escapeUnsafe(newest.version)}, not ${run.catalogue.version}`);
  if (run.proxy !== null) noPassword(run.proxy, '"proxy"');
  const profile = run.profile?.document;
  if (profile !== undefined) {
    if (profile['format'] !== PROFILE_FORMAT || profile['version'] !== PROFILE_VERSION) fail('"profile.document" is not a site profile of this version');
    if (typeof profile['proxy'] === 'string') noPassword(profile['proxy'], '"profile.document.proxy"');
  }
  if (!Number.isFinite(Date.parse(run.startedAt))) fail(`"startedAt": ${escapeUnsafe(run.startedAt)} is not a time`);
  // The verdict is the flows' own: a flow edited by hand no longer matches its summary.
  if (JSON.stringify(summarise(run.flows)) !== JSON.stringify(run.summary)) fail('"summary" does not match the flows (edited by hand?)');
}

function noPassword(text: string, where: string): void {
  let auth: HttpProxy['auth'];
  try {
    auth = parseProxyUrl(text, where).auth;
  } catch (err) {
    if (err instanceof InputError) throw new RunError(err.message);
    throw err;
  }
  if (auth && auth.password !== '') throw new RunError(`${where} holds a password; a saved run never does`);
}

/** Zod's first problem as one line: where in the document, and what is wrong. */
function schemaMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'not a valid saved run';
  const path = issue.path.map((p) => escapeUnsafe(String(p))).join('.');
  const where = path === '' ? '' : `"${path}": `;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const names = issue.keys.map((k) => `"${escapeUnsafe(k)}"`).join(', ');
      return `${where}unknown field${issue.keys.length === 1 ? '' : 's'} ${names}${path === '' ? `; valid fields: ${FIELDS.join(', ')}` : ''}`;
    }
    case 'invalid_type':
      if (issue.path.length === 0) return `expected a JSON object with the fields ${FIELDS.join(', ')}`;
      if (issue.input === undefined) return `${where}missing`;
      return `${where}expected ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}`;
    default:
      return `${where}${escapeUnsafe(issue.message)}`;
  }
}
