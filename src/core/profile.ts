// A site profile: the app's answers for one site, saved as JSON so a partner can repeat
// the same site later; `plan`, `check` and `render` take it with --profile. Pure: the
// caller reads and writes the file (src/io/profile-file.ts).
//
// The profile never holds a password: a proxy user is kept, its password comes from
// $EMAINT_PROXY_PASSWORD or is asked for again.
import { z } from 'zod';
import type { Catalogue } from './catalogue.js';
import { parseProxyUrl } from './proxy-url.js';
import { InputError } from './errors.js';
import { targets } from './render/index.js';
import type { TargetSettings } from './render/options.js';
import { TARGETS, type TargetId } from './render/target.js';
import { DEFAULT_IOT_PORT, DEFAULT_MODE, IOT_PORTS, type IotPort, MODES, type Mode } from './rules.js';
import { type DnsServer, type Source, dnsServerText, parseDnsServer, parseLabel, parseSources } from './site.js';
import { PlanError, plan } from './planner.js';
import { type SiteEndpoint, endpointJson, parseSiteEndpoints } from './site-endpoints.js';
import { escapeUnsafe, hasUnsafe, quoteValue } from './text.js';

export const PROFILE_FORMAT = 'emaint-egress-profile';
export const PROFILE_VERSION = 1;

/** A profile that cannot be used; the message is one line naming the field and the valid values. */
export class ProfileError extends InputError {
  override name = 'ProfileError';
}

/** The answers of one site, validated and normalised. */
export interface SiteAnswers {
  /** Site name for comments and descriptions. */
  site: string | null;
  agents: string[];
  options: string[];
  /** MFD / agent subnets the rules apply to; empty means any. */
  sources: Source[];
  /** http://[user@]host:port, never with a password. */
  proxy: string | null;
  /** The site resolver; null: the first nameserver of /etc/resolv.conf. */
  dnsServer: DnsServer | null;
  mode: Mode;
  iotPort: IotPort;
  /** Render targets the app writes. */
  targets: TargetId[];
  /** Each target's own settings (options.ts), as text by option name; what is missing keeps its default. */
  settings: TargetSettings;
  /** Folder the app writes the rules to. */
  out: string | null;
  /** The site's own endpoints, beyond the catalogue (site-endpoints.ts). */
  endpoints: SiteEndpoint[];
}

const Text = z.string().max(4096);
/** The profile document's shape (the values are checked against the catalogue by parseProfile). */
export const ProfileSchema = z.strictObject({
  format: z.literal(PROFILE_FORMAT),
  version: z.literal(PROFILE_VERSION),
  site: Text.optional(),
  agents: z.array(Text).max(100),
  options: z.array(Text).max(100).optional(),
  sources: z.array(Text).max(1000).optional(),
  proxy: Text.optional(),
  dnsServer: Text.optional(),
  mode: Text.optional(),
  iotPort: Text.optional(),
  targets: z.array(Text).max(20).optional(),
  settings: z.record(Text, z.record(Text, Text)).optional(),
  out: Text.optional(),
  endpoints: z
    .array(
      z.strictObject({
        host: Text,
        ports: z.array(z.number()).max(100),
        protocol: Text.optional(),
        reason: Text,
        requestedBy: Text,
      }),
    )
    .max(1000)
    .optional(),
});
const FIELDS = Object.keys(ProfileSchema.shape);
const ENDPOINT_FIELDS = ['host', 'ports', 'protocol', 'reason', 'requestedBy'];

/** Validates a parsed profile document against the catalogue. */
export function parseProfile(doc: unknown, catalogue: Catalogue): SiteAnswers {
  // reportInput: a field of the wrong type is told apart from a missing one.
  const shape = ProfileSchema.safeParse(doc, { reportInput: true });
  if (!shape.success) throw new ProfileError(schemaMessage(shape.error));
  try {
    return validated(shape.data, catalogue);
  } catch (err) {
    // The flag parsers' own errors (subnets, resolver, proxy) are a profile's problem here.
    if (err instanceof InputError && !(err instanceof ProfileError)) throw new ProfileError(err.message);
    throw err;
  }
}

function validated(p: z.infer<typeof ProfileSchema>, catalogue: Catalogue): SiteAnswers {
  const field = (name: string) => `"${name}"`;
  return {
    site: p.site === undefined ? null : parseLabel(p.site, field('site')),
    ...agentsOf(p.agents, p.options ?? [], catalogue),
    sources: p.sources === undefined || p.sources.length === 0 ? [] : parseSources(p.sources.join(','), field('sources')),
    proxy: p.proxy === undefined ? null : profileProxy(p.proxy, field('proxy')),
    dnsServer: p.dnsServer === undefined ? null : parseDnsServer(p.dnsServer, field('dnsServer')),
    mode: choice(p.mode, 'mode', MODES, DEFAULT_MODE),
    iotPort: choice(p.iotPort, 'iotPort', IOT_PORTS, DEFAULT_IOT_PORT),
    targets: [...new Set((p.targets ?? []).map((t) => choice(t, 'targets', TARGETS, 'pfsense')))],
    settings: settingsOf(p.settings ?? {}),
    out: p.out === undefined ? null : outFolder(p.out, field('out')),
    endpoints: parseSiteEndpoints(p.endpoints ?? [], catalogue),
  };
}

/** The profile document of a set of answers, as saved (stable key order, 2-space indent). */
export function profileJson(a: SiteAnswers): string {
  return `${JSON.stringify(profileDocument(a), null, 2)}\n`;
}

/** The profile document of a set of answers, as an object (saved runs embed it). */
export function profileDocument(a: SiteAnswers): Record<string, unknown> {
  const doc: Record<string, unknown> = { format: PROFILE_FORMAT, version: PROFILE_VERSION };
  if (a.site !== null) doc['site'] = a.site;
  doc['agents'] = a.agents;
  if (a.options.length > 0) doc['options'] = a.options;
  doc['sources'] = a.sources.map((s) => s.cidr);
  if (a.proxy !== null) doc['proxy'] = a.proxy;
  if (a.dnsServer !== null) doc['dnsServer'] = dnsServerText(a.dnsServer);
  doc['mode'] = a.mode;
  doc['iotPort'] = a.iotPort;
  doc['targets'] = a.targets;
  const settings = Object.entries(a.settings).filter(([, s]) => s !== undefined && Object.keys(s).length > 0);
  if (settings.length > 0) doc['settings'] = Object.fromEntries(settings);
  if (a.out !== null) doc['out'] = a.out;
  if (a.endpoints.length > 0) doc['endpoints'] = a.endpoints.map(endpointJson);
  return doc;
}

/**
 * "settings": { "<target>": { "<option>": "<value>" } }, checked against each target's own
 * declarations (the same parsers as the flags); kept in each option's canonical text.
 */
function settingsOf(doc: Record<string, Record<string, string>>): TargetSettings {
  const out: TargetSettings = {};
  for (const [t, given] of Object.entries(doc)) {
    const id = choice(t, 'settings', TARGETS, 'pfsense');
    const target = targets[id];
    const canonical: Record<string, string> = {};
    for (const [name, text] of Object.entries(given)) {
      const o = target.options.find((x) => x.name === name);
      const where = `"settings.${id}.${name}"`;
      if (!o) throw new ProfileError(`${where}: ${id} has no such setting; valid: ${target.options.map((x) => x.name).join(', ') || 'none'}`);
      const shown = o.show(o.parse(text, where) as never);
      if (shown !== null) canonical[name] = shown;
    }
    out[id] = canonical;
  }
  return out;
}

// In site.ts, beside the parser, so the flags reach it without this module's validator (zod).
export { dnsServerText } from './site.js';

/** A proxy URL as a profile keeps it: the user stays, any password is dropped. */
export function proxyWithoutPassword(text: string, option: string): string {
  const p = parseProxyUrl(text, option);
  return p.auth ? `http://${encodeURIComponent(p.auth.user)}@${p.text}` : `http://${p.text}`;
}

function profileProxy(text: string, option: string): string {
  const p = parseProxyUrl(text, option);
  if (p.auth && p.auth.password !== '') {
    throw new ProfileError(`${option} holds a password; a profile never does: keep only the user (http://user@host:port) and set $EMAINT_PROXY_PASSWORD`);
  }
  return proxyWithoutPassword(text, option);
}

function agentsOf(agents: string[], options: string[], catalogue: Catalogue): { agents: string[]; options: string[] } {
  const ids = agents.map((a) => a.trim().toLowerCase());
  const known = catalogue.agents.map((a) => a.id);
  const unknown = ids.find((id) => !known.includes(id));
  if (ids.length === 0) throw new ProfileError(`"agents" is empty; valid: ${known.join(', ')}`);
  if (unknown !== undefined) throw new ProfileError(`"agents": unknown agent ${quoteValue(unknown)}; valid: ${known.join(', ')}`);
  try {
    // The planner knows which option belongs to which agent; its message names both.
    const p = plan(catalogue, { agents: ids, options: options.map((o) => o.trim().toLowerCase()) });
    return { agents: p.agents, options: p.options };
  } catch (err) {
    if (err instanceof PlanError) throw new ProfileError(`"options": ${err.message}`);
    throw err;
  }
}

function choice<T extends string>(value: string | undefined, name: string, valid: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(valid as readonly string[]).includes(value)) throw new ProfileError(`"${name}": ${quoteValue(value)} is not valid; valid: ${valid.join(', ')}`);
  return value as T;
}

function outFolder(text: string, option: string): string {
  // The same characters a site name may not hold: none can be shown safely, or typed in the app.
  if (text.trim() === '' || hasUnsafe(text)) {
    throw new ProfileError(`${option}: ${quoteValue(text)} is not a folder path; give a path on one line, e.g. "rules"`);
  }
  return text;
}

/** For a field with a fixed set of values, the values. */
function choicesOf(field: PropertyKey | undefined, list: boolean): string {
  const valid: Record<string, readonly string[]> = { mode: MODES, iotPort: IOT_PORTS, targets: TARGETS };
  const values = typeof field === 'string' ? valid[field] : undefined;
  if (!values) return '';
  return `${list ? ' of strings' : ''}; valid: ${values.join(', ')} (JSON strings, in quotes)`;
}

/** Zod's first problem as one line: where in the document, and what would be valid. */
function schemaMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'not a valid profile';
  const where = issue.path.length === 0 ? '' : `"${issue.path.map(String).join('.')}": `;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const names = issue.keys.map((k) => `"${escapeUnsafe(k)}"`).join(', ');
      const inEndpoint = issue.path[0] === 'endpoints';
      return `${where}unknown field${issue.keys.length === 1 ? '' : 's'} ${names}; valid fields: ${(inEndpoint ? ENDPOINT_FIELDS : FIELDS).join(', ')}`;
    }
    case 'invalid_value':
      if (issue.path[0] === 'format') return `"format" is not "${PROFILE_FORMAT}": not an emaint-egress site profile`;
      if (issue.path[0] === 'version') return `"version" is not ${PROFILE_VERSION}: a profile from another version of emaint-egress`;
      return `${where}${issue.message}`;
    case 'invalid_type':
      if (issue.path.length === 0) return `expected a JSON object with the fields ${FIELDS.join(', ')}`;
      if (issue.input === undefined) return `${where}missing; a profile needs "format", "version" and "agents"`;
      return `${where}expected ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}${choicesOf(issue.path[0], issue.expected === 'array')}`;
    default:
      return `${where}${issue.message}`;
  }
}
