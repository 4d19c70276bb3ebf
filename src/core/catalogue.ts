// The typed endpoint catalogue: schema, types and validation. Pure: the caller
// reads the file (see src/io/catalogue-file.ts) and hands over the parsed JSON.
import { z } from 'zod';
import { HOST_RE, LABEL, compareVersions } from './catalogue-facts.js';
import { CatalogueError } from './errors.js';

// The helpers that need no validator live in catalogue-facts.ts, so the planner, which the
// shipped (build-validated) catalogue goes to directly, does not load zod at start.
export { catalogueHosts, compareVersions, isHostName } from './catalogue-facts.js';
const ID_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const Host = z.string().regex(HOST_RE, 'must be a lower-case DNS name');
const Id = z.string().regex(ID_RE, 'must be lower-case letters, digits and single dashes');
const Port = z.number().int().min(1).max(65535);
const Text = z.string().trim().min(1);

/** Where a fact comes from: a seed document, the path of verbatim anchors that
 *  opens the section (each found after the one before), and the verbatim words. */
const Cite = z.strictObject({
  source: Id,
  section: z.array(Text).min(1),
  quote: Text,
});

const Endpoint = z.strictObject({
  host: Host,
  // Absent when the document names the host without a port: 443 is then assumed.
  ports: z.array(Port).min(1).optional(),
  quote: Text,
});

const AgentOption = z.strictObject({
  id: Id,
  flag: z.string().regex(/^--[a-z0-9-]+$/),
  description: Text,
  endpoints: z.array(Endpoint).min(1),
});

const Agent = z.strictObject({
  id: Id,
  name: Text,
  description: Text,
  describedBy: z.array(Cite).min(1),
  source: Id,
  section: z.array(Text).min(1),
  endpoints: z.array(Endpoint).min(1),
  options: z.array(AgentOption).optional(),
});

const HostFacts = z.strictObject({
  host: Host,
  service: Text,
  // The service authenticates the device with a client certificate (mutual TLS):
  // a TLS-inspecting firewall or proxy cannot re-sign that, so it breaks the agent.
  clientCertificate: z.boolean().optional(),
  alpn: z.array(z.strictObject({ port: Port, protocol: Text })).optional(),
  notes: z.array(z.strictObject({ text: Text, reference: Text })),
});

const Wildcard = z.strictObject({
  pattern: z.string().regex(new RegExp(`^\\*\\.${LABEL}(?:\\.${LABEL})+$`), 'must be *.<domain>'),
  quote: Text,
  risk: Text.optional(),
});

const Role = z.enum(['agent-host', 'device', 'ugw2', 'smtp-server', 'pop3-server', 'support-pc', 'iwemc']);

const LanFlow = z.strictObject({
  id: Id,
  service: Text,
  from: Role,
  to: Role,
  protocol: z.enum(['tcp', 'udp']),
  // False where the document gives the port but not the transport.
  protocolStated: z.boolean().optional(),
  port: Port,
  agents: z.array(Id).min(1).optional(),
  description: Text,
  source: Id,
  section: z.array(Text).min(1),
  quote: Text,
});

const Version = z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a version MAJOR.MINOR.PATCH, e.g. 1.1.0');

/** One version of the catalogue: what it added and removed, and from which documents. */
const Change = z.strictObject({
  version: Version,
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
  summary: Text,
  sources: z.array(Id).min(1),
  added: z.array(Host),
  removed: z.array(Host),
});

const CatalogueSchema = z.strictObject({
  version: Version,
  sources: z.array(z.strictObject({ id: Id, file: Text, title: Text })).min(1),
  hosting: z.strictObject({ text: Text, cite: Cite }),
  agents: z.array(Agent).min(1),
  hosts: z.array(HostFacts),
  wildcards: z.strictObject({
    source: Id,
    section: z.array(Text).min(1),
    recommendation: Text,
    quote: Text,
    patterns: z.array(Wildcard).min(1),
  }),
  lan: z.array(LanFlow),
  // Newest first; the first entry is this version.
  changes: z.array(Change).min(1),
});

export type Catalogue = z.infer<typeof CatalogueSchema>;
export type Agent = z.infer<typeof Agent>;
export type Endpoint = z.infer<typeof Endpoint>;
export type Cite = z.infer<typeof Cite>;
export type Role = z.infer<typeof Role>;
export type CatalogueChange = z.infer<typeof Change>;

// In errors.ts, so the CLI can recognise it without loading this module's validator (zod).
export { CatalogueError } from './errors.js';

/** Validates parsed JSON as a catalogue, including the references between entries. */
export function parseCatalogue(input: unknown): Catalogue {
  const parsed = CatalogueSchema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.join('.') || '(root)';
    throw new CatalogueError(`invalid catalogue at ${where}: ${first?.message ?? 'unknown problem'}`);
  }
  const cat = parsed.data;
  const sourceIds = new Set(cat.sources.map((s) => s.id));
  const problems: string[] = [];
  const needSource = (id: string, where: string) => {
    if (!sourceIds.has(id)) problems.push(`${where} cites unknown source '${id}'`);
  };

  unique(
    cat.sources.map((s) => s.id),
    'source id',
    problems,
  );
  needSource(cat.hosting.cite.source, 'hosting');
  needSource(cat.wildcards.source, 'wildcards');
  unique(
    cat.agents.map((a) => a.id),
    'agent id',
    problems,
  );
  unique(
    cat.lan.map((l) => l.id),
    'lan flow id',
    problems,
  );
  unique(
    cat.hosts.map((h) => h.host),
    'hosts entry',
    problems,
  );

  const agentIds = new Set(cat.agents.map((a) => a.id));
  const optionIds: string[] = [];
  const allHosts = new Set<string>();
  for (const agent of cat.agents) {
    needSource(agent.source, `agent ${agent.id}`);
    for (const c of agent.describedBy) needSource(c.source, `agent ${agent.id} description`);
    const endpoints = [...agent.endpoints, ...(agent.options ?? []).flatMap((o) => o.endpoints)];
    // Its options' hosts too: a host listed twice would give a flow its passage twice.
    unique(
      endpoints.map((e) => e.host),
      `host of agent ${agent.id}`,
      problems,
    );
    for (const e of endpoints) {
      allHosts.add(e.host);
      unique((e.ports ?? []).map(String), `port of ${e.host}`, problems);
      if (!e.quote.includes(e.host)) problems.push(`agent ${agent.id}: quote for ${e.host} does not name the host`);
    }
    for (const o of agent.options ?? []) optionIds.push(o.id);
  }
  unique(optionIds, 'option id', problems);
  for (const h of cat.hosts) {
    if (!allHosts.has(h.host)) problems.push(`hosts entry ${h.host} is used by no agent`);
  }
  for (const l of cat.lan) {
    needSource(l.source, `lan flow ${l.id}`);
    for (const a of l.agents ?? []) {
      if (!agentIds.has(a)) problems.push(`lan flow ${l.id} names unknown agent '${a}'`);
    }
  }
  unique(
    cat.wildcards.patterns.map((w) => w.pattern),
    'wildcard',
    problems,
  );

  for (const c of cat.changes) for (const s of c.sources) needSource(s, `changes ${c.version}`);
  problems.push(...changeLogProblems(cat.version, cat.changes, allHosts));

  if (problems.length > 0) throw new CatalogueError(`invalid catalogue: ${problems[0]}`);
  return cat;
}

/**
 * The change log must account for the catalogue: newest first, its first entry this version,
 * and its additions and removals, replayed from the oldest, give exactly the hosts the agents
 * name. So `diff` can trust it to say what a version added or removed.
 */
function changeLogProblems(version: string, changes: readonly CatalogueChange[], hosts: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  if (changes[0] && changes[0].version !== version) problems.push(`changes: the newest entry is ${changes[0].version}, not this version ${version}`);
  for (let i = 1; i < changes.length; i++) {
    const [newer, older] = [changes[i - 1], changes[i]] as [CatalogueChange, CatalogueChange];
    if (compareVersions(newer.version, older.version) <= 0) problems.push(`changes: ${newer.version} comes before ${older.version}; list the newest first`);
  }
  const replayed = new Set<string>();
  for (const c of [...changes].reverse()) {
    for (const h of c.removed) {
      if (!replayed.delete(h)) problems.push(`changes ${c.version} removes ${h}, which no earlier version added`);
    }
    for (const h of c.added) {
      if (replayed.has(h)) problems.push(`changes ${c.version} adds ${h}, which an earlier version added already`);
      replayed.add(h);
    }
  }
  for (const h of hosts) if (!replayed.has(h)) problems.push(`changes: no version adds ${h}, which the agents name`);
  for (const h of replayed) if (!hosts.has(h)) problems.push(`changes: ${h} is added and never removed, but no agent names it`);
  return problems;
}

function unique(values: string[], what: string, problems: string[]): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) problems.push(`duplicate ${what} '${v}'`);
    seen.add(v);
  }
}
