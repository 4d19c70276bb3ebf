// Step 2, site details: a form of text fields and choices, validated as typed with the
// same parsers the flags use (ipaddr.js underneath), so the app accepts exactly what
// the command line accepts. Pure.
import type { Catalogue } from '../../core/catalogue.js';
import { type HttpProxy, parseProxyUrl } from '../../core/proxy-url.js';
import { FieldError, InputError } from '../../core/errors.js';
import { targets } from '../../core/render/index.js';
import type { Plan } from '../../core/planner.js';
import { dnsServerText, proxyWithoutPassword } from '../../core/profile.js';
import { IOT_PORTS, type IotPort, MODES, type Mode, buildRules } from '../../core/rules.js';
import { type DnsServer, type Source, parseDnsServer, parseLabel, parseSources } from '../../core/site.js';
import { type TextAction, type TextField, textField, textReducer } from './text-field.js';

export type TextFieldId = 'site' | 'sources' | 'proxy' | 'password' | 'dnsServer';
export type ChoiceFieldId = 'mode' | 'iotPort';
export type FieldId = TextFieldId | ChoiceFieldId;

export interface FieldInfo {
  id: FieldId;
  label: string;
  help: string;
}

export const FIELDS: readonly FieldInfo[] = [
  { id: 'site', label: 'Site name', help: 'Optional: a short name for the comments in the rules, e.g. ACME Utrecht.' },
  {
    id: 'sources',
    label: 'Subnets',
    help: 'The MFDs\u2019 or agent hosts\u2019 networks, comma-separated (10.20.0.0/24, 2001:db8:1::/64). Empty: any source.',
  },
  { id: 'proxy', label: 'Proxy', help: 'Optional: http://[user@]host:port of the HTTP proxy the agents use. Empty: direct.' },
  { id: 'password', label: 'Proxy password', help: 'Only for a proxy user; never saved in the profile.' },
  { id: 'dnsServer', label: 'DNS server', help: 'The resolver the devices use, ip[:port]. Empty: the first nameserver of /etc/resolv.conf.' },
  { id: 'mode', label: 'Rules mode', help: 'exact: one rule per host (least privilege). wildcard: the vendor wildcard domains.' },
  { id: 'iotPort', label: 'IoT port', help: 'The AWS IoT endpoint is listed as "443 or 8883": open 443, 8883 or both.' },
];

export const CHOICES: { mode: readonly Mode[]; iotPort: readonly IotPort[] } = { mode: MODES, iotPort: IOT_PORTS };

export interface SiteStep {
  focus: number;
  text: Record<TextFieldId, TextField>;
  mode: Mode;
  iotPort: IotPort;
  /** Set when the user tried to go on with errors. */
  error: string | null;
}

export type SiteAction = { type: 'focus'; delta: 1 | -1 } | { type: 'text'; action: TextAction } | { type: 'choose'; delta: 1 | -1 };

export interface SiteDefaults {
  site: string | null;
  sources: readonly Source[];
  proxy: string | null;
  dnsServer: DnsServer | null;
  mode: Mode;
  iotPort: IotPort;
}

export function siteStep(d: SiteDefaults): SiteStep {
  return {
    focus: 0,
    text: {
      site: textField(d.site ?? ''),
      sources: textField(d.sources.map((s) => s.cidr).join(', ')),
      proxy: textField(d.proxy ?? ''),
      password: textField(''),
      dnsServer: textField(d.dnsServer ? dnsServerText(d.dnsServer) : ''),
    },
    mode: d.mode,
    iotPort: d.iotPort,
    error: null,
  };
}

export function focusedField(state: SiteStep): FieldInfo {
  return FIELDS[state.focus] ?? (FIELDS[0] as FieldInfo);
}

export function isChoice(id: FieldId): id is ChoiceFieldId {
  return id === 'mode' || id === 'iotPort';
}

export function siteReducer(state: SiteStep, action: SiteAction): SiteStep {
  const field = focusedField(state).id;
  switch (action.type) {
    case 'focus':
      return { ...state, focus: (state.focus + action.delta + FIELDS.length) % FIELDS.length };
    case 'text':
      if (isChoice(field)) return state;
      return { ...state, text: { ...state.text, [field]: textReducer(state.text[field], action.action) }, error: null };
    case 'choose': {
      if (!isChoice(field)) return state;
      const list = CHOICES[field] as readonly string[];
      const next = list[(list.indexOf(state[field]) + action.delta + list.length) % list.length];
      return { ...state, [field]: next, error: null };
    }
  }
}

/** What the site answers mean, once valid. */
export interface SiteValues {
  site: string | null;
  sources: Source[];
  /** With the password, for the check; never saved. */
  proxy: HttpProxy | null;
  /** Without the password, for the profile. */
  proxyText: string | null;
  dnsServer: DnsServer | null;
  mode: Mode;
  iotPort: IotPort;
}

export interface SiteContext {
  catalogue: Catalogue;
  plan: Plan | null;
  envPassword: string | undefined;
}

export type SiteCheck = { ok: true; values: SiteValues } | { ok: false; errors: Partial<Record<FieldId, string>> };

/** Every field's problem, or the values: what the form shows inline as the user types. */
export function checkSite(state: SiteStep, ctx: SiteContext): SiteCheck {
  const errors: Partial<Record<FieldId, string>> = {};
  const attempt = <T>(id: FieldId, parse: () => T): T | null => {
    try {
      return parse();
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      errors[id] = fieldMessage(err);
      return null;
    }
  };
  const text = (id: TextFieldId) => state.text[id].value.trim();
  const site = text('site') === '' ? null : attempt('site', () => parseLabel(text('site'), 'site name'));
  const sources = text('sources') === '' ? [] : (attempt('sources', () => parseSources(text('sources'), 'subnets')) ?? []);
  const password = state.text.password.value === '' ? ctx.envPassword : state.text.password.value;
  const proxy = text('proxy') === '' ? null : attempt('proxy', () => parseProxyUrl(text('proxy'), 'proxy', password));
  if (proxy && state.text.password.value !== '' && proxy.auth === null) errors.password = 'a password needs a proxy user: http://user@host:port';
  const dnsServer = text('dnsServer') === '' ? null : attempt('dnsServer', () => parseDnsServer(text('dnsServer'), 'DNS server'));
  // An IoT port that cuts a chosen agent off is refused by the rules, with the values that work.
  if (ctx.plan) {
    const p = ctx.plan;
    attempt('iotPort', () => buildRules(ctx.catalogue, p, { mode: state.mode, iotPort: state.iotPort }));
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    values: {
      site,
      sources,
      proxy,
      proxyText: proxy ? proxyWithoutPassword(text('proxy'), 'proxy') : null,
      dnsServer,
      mode: state.mode,
      iotPort: state.iotPort,
    },
  };
}

/** A core error as the app words it: a field error under the field's own label. */
export function fieldMessage(err: InputError): string {
  if (!(err instanceof FieldError)) return err.message;
  const label = FIELDS.find((f) => f.id === err.field)?.label ?? targetOptionLabel(err.field) ?? err.field;
  return `${label} ${err.reason}`;
}

function targetOptionLabel(name: string): string | undefined {
  for (const t of Object.values(targets)) {
    const o = t.options.find((x) => x.name === name);
    if (o) return o.label;
  }
  return undefined;
}
