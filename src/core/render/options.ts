// Each target's own settings, declared once. The CLI's flags and --help, the profile's
// "settings" section, the app's settings, the defaults and the hostile-input test are all
// derived from these declarations: a new target declares its options here and nowhere else.
// Messages name the setting as the caller words it (`label`): a flag, a profile field or
// the app's field name; the core never assumes which.
import { quoteValue } from '../text.js';
import { parseProxyUrl } from '../proxy-url.js';
import { type HostPort, NFT_FAMILIES, type NftFamily, SiteOptionError, parseHostPort, parseName, parseNftTable } from '../site.js';
import { HOOKS, type Hook, PAC_ROUTES, PFSENSE_IMPORTS, type PacRoute, type PfsenseImport, type Position, type Site, type TargetId } from './target.js';

/** The Site fields a target option sets. */
export type OptionField =
  | 'interface'
  | 'hook'
  | 'position'
  | 'nftTable'
  | 'fromZone'
  | 'toZone'
  | 'proxy'
  | 'pacRoute'
  | 'srcintf'
  | 'dstintf'
  | 'pfsenseImport'
  | 'logSetting'
  | 'profileGroup'
  | 'deviceGroup'
  | 'addressTimeout'
  | 'aclName'
  | 'nameif';

export interface TargetOption<F extends OptionField = OptionField> {
  /** kebab-case: the flag (--name), the profile key and the app's field id. */
  name: string;
  field: F;
  /** The app's name for it. */
  label: string;
  /** What the value is, for usage lines: `--name <arg>`. */
  arg: string;
  /** One line: what it sets; no flag names. */
  help: string;
  /** The value when not given, as text; null: no value (e.g. no jump). */
  fallback: string | null;
  /** The valid values, where it is a choice. */
  choices?: readonly string[];
  /** The target cannot do without it (the PAC file's proxy). */
  required?: boolean;
  /** Parses the text form; errors start with `label`. */
  parse(text: string, label: string): Site[F];
  /** The text form of a value (what a profile keeps, what the app shows). */
  show(value: Site[F]): string | null;
}

/** Per target, the text of each setting given (by option name): profiles and the app keep these. */
export type TargetSettings = Partial<Record<TargetId, Readonly<Record<string, string>>>>;

function choice<T extends string>(text: string, label: string, valid: readonly T[]): T {
  const v = text.trim().toLowerCase();
  if (!(valid as readonly string[]).includes(v)) throw new SiteOptionError(`${label}: ${quoteValue(text)} is not valid; valid: ${valid.join(', ')}`);
  return v as T;
}

const ZONE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$/;

export const interfaceOption: TargetOption<'interface'> = {
  name: 'interface',
  field: 'interface',
  label: 'pfSense interface',
  arg: 'name',
  help: "pfSense's internal name of the pass rules' interface: lan, wan or optN (not its description)",
  fallback: 'lan',
  // pfSense's filter code drops a rule whose interface is not an internal name.
  parse: (text, label) =>
    parseName(
      text,
      label,
      /^(lan|wan|opt[1-9][0-9]{0,3})$/,
      "pfSense's internal interface name: lan, wan or optN (Interfaces > Assignments; not the description)",
    ),
  show: (v) => v,
};

export const hookOption: TargetOption<'hook'> = {
  name: 'hook',
  field: 'hook',
  label: 'Jump from chain',
  arg: 'chain',
  help: 'add the jump into the rules from this existing chain: output, forward (default: no jump)',
  fallback: null,
  choices: HOOKS,
  parse: (text, label): Hook => choice(text, label, HOOKS),
  show: (v) => v,
};

/** `before:` anchors in each platform's own terms. */
function positionOption(what: string, anchor: RegExp, anchorHelp: string): TargetOption<'position'> {
  return {
    name: 'position',
    field: 'position',
    label: 'Position',
    arg: 'where',
    help: `where ${what} in the site's rules: top, bottom, before:<${anchorHelp}>`,
    fallback: 'top',
    parse(text, label): Position {
      const v = text.trim();
      if (v.toLowerCase() === 'top') return { at: 'top' };
      if (v.toLowerCase() === 'bottom') return { at: 'bottom' };
      const m = /^before:(.+)$/i.exec(v);
      if (m?.[1] !== undefined && anchor.test(m[1])) return { at: 'before', anchor: m[1] };
      throw new SiteOptionError(`${label}: ${quoteValue(text)} is not valid; valid: top, bottom, before:<${anchorHelp}>`);
    },
    show: (v) => (v.at === 'before' ? `before:${v.anchor}` : v.at),
  };
}

export const iptablesPosition = positionOption('the jump goes', /^[1-9]\d{0,5}$/, 'an iptables rule number (iptables -L --line-numbers)');
export const nftablesPosition = positionOption('the jump goes', /^[1-9]\d{0,9}$/, 'an nftables rule handle (nft -a list chain)');
export const panosPosition = positionOption('the rules go', /^[A-Za-z0-9][A-Za-z0-9._ -]{0,62}$/, 'the name of an existing PAN-OS security rule');

export const nftTableOption: TargetOption<'nftTable'> = {
  name: 'nft-table',
  field: 'nftTable',
  label: 'nftables table',
  arg: 'table',
  help: `the site table to add to, "[${NFT_FAMILIES.join('|')}] name"`,
  fallback: 'inet filter',
  parse: (text, label): { family: NftFamily; name: string } => parseNftTable(text, label),
  show: (v) => `${v.family} ${v.name}`,
};

function zoneOption(name: 'from-zone' | 'to-zone', field: 'fromZone' | 'toZone', side: string): TargetOption<'fromZone' | 'toZone'> {
  return {
    name,
    field,
    label: `${side} zone`,
    arg: 'zone',
    help: `${side.toLowerCase()} zone of the security rules`,
    fallback: 'any',
    parse: (text, label) => parseName(text, label, ZONE, 'a PAN-OS zone name (letters, digits, . _ -) or any'),
    show: (v) => v,
  };
}

export const fromZoneOption = zoneOption('from-zone', 'fromZone', 'Source');
export const toZoneOption = zoneOption('to-zone', 'toZone', 'Destination');

/** A FortiGate policy interface: a FortiOS interface or zone name, or "any". */
export function fortiInterface(name: 'srcintf' | 'dstintf', label: string, what: string): TargetOption<'srcintf' | 'dstintf'> {
  return {
    name,
    field: name,
    label,
    arg: 'interface',
    help: `${what}: a FortiOS interface or zone name (e.g. internal, wan1), or any`,
    fallback: 'any',
    parse: (text, l) =>
      parseName(text.trim(), l, /^[A-Za-z0-9][A-Za-z0-9._-]{0,34}$/, 'a FortiOS interface or zone name (letters, digits, . _ -; 35 at most) or any'),
    show: (v) => v,
  };
}

/**
 * The proxy a PAC file names: `http://host:port` as everywhere else, or `host:port`. A PAC
 * file cannot carry credentials, so a user or password is refused rather than dropped.
 */
export function parsePacProxy(text: string, label: string): HostPort {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim())) {
    const p = parseProxyUrl(text.trim(), label);
    if (p.auth !== null) throw new SiteOptionError(`${label}: a PAC file names a proxy without credentials; give http://host:port`);
    return { host: p.host, port: p.port, text: p.text };
  }
  return parseHostPort(text.trim(), label);
}

export const proxyOption: TargetOption<'proxy'> = {
  name: 'proxy',
  field: 'proxy',
  label: 'Proxy',
  arg: 'url',
  help: 'the proxy the PAC file names: http://host:port (or host:port)',
  fallback: null,
  required: true,
  parse: (text, label) => parsePacProxy(text, label),
  show: (v) => (v === null ? null : `http://${v.text}`),
};

export const pacRouteOption: TargetOption<'pacRoute'> = {
  name: 'pac-route',
  field: 'pacRoute',
  label: 'PAC route',
  arg: 'route',
  help: `how the eMaintenance hosts go, everything else the other way: ${PAC_ROUTES.join(', ')}`,
  fallback: 'proxy',
  choices: PAC_ROUTES,
  parse: (text, label): PacRoute => choice(text, label, PAC_ROUTES),
  show: (v) => v,
};

export const pfsenseImportOption: TargetOption<'pfsenseImport'> = {
  name: 'import',
  field: 'pfsenseImport',
  label: 'pfSense import',
  arg: 'form',
  help: `how the rules go into pfSense: ${PFSENSE_IMPORTS.join(', ')} (JSON bodies for the REST API package)`,
  fallback: 'config-xml',
  choices: PFSENSE_IMPORTS,
  parse: (text, label): PfsenseImport => choice(text, label, PFSENSE_IMPORTS),
  show: (v) => v,
};

/** ipset's largest timeout (it refuses 2147484 s: "out of range 0-2147483"); nft takes
 *  more, but one range serves both Linux targets. */
export const SET_TIMEOUT_MAX = 2147483;
/** The dnsmasq snippet caps its cache and the TTLs it hands out at one second below the
 *  timeout, and dnsmasq reads a cap of 0 as no cap: 2 s is the shortest timeout. */
export const SET_TIMEOUT_MIN = 2;
const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

export function parseSetTimeout(text: string, label: string): number | null {
  const v = text.trim().toLowerCase();
  if (v === 'none' || v === '0') return null;
  const m = /^(\d{1,10})([smhd]?)$/.exec(v);
  const seconds = m === null ? Number.NaN : Number(m[1]) * (UNITS[m[2] || 's'] ?? 1);
  if (!(seconds >= SET_TIMEOUT_MIN && seconds <= SET_TIMEOUT_MAX)) {
    throw new SiteOptionError(
      `${label}: ${quoteValue(text)} is not valid; valid: ${SET_TIMEOUT_MIN}s to ${SET_TIMEOUT_MAX}s (about 24.8 days, ipset's limit), ` +
        'as seconds or with s, m, h or d (e.g. 12h), or none',
    );
  }
  return seconds;
}

/** The shortest exact form: 86400 -> 1d, 5400 -> 90m, 90 -> 90s. */
export function showSetTimeout(seconds: number | null): string {
  if (seconds === null) return 'none';
  for (const unit of ['d', 'h', 'm'] as const) {
    const size = UNITS[unit] ?? 1;
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

export const setTimeoutOption: TargetOption<'addressTimeout'> = {
  name: 'set-timeout',
  field: 'addressTimeout',
  label: 'Set timeout',
  arg: 'time',
  help:
    'how long an address stays in the sets once no traffic or DNS answer renews it: ' +
    '2s to about 24 days, as seconds or with s, m, h or d (e.g. 12h); none: never',
  // A day: an address the cloud gave up leaves within a day of its last use, and the rare
  // expiry of an address still in DNS answers stays rarer than with a shorter timeout.
  fallback: '1d',
  parse: (text, label) => parseSetTimeout(text, label),
  show: (v) => showSetTimeout(v),
};

/** What every target's Site holds before its own options are applied. */
export interface SiteBase {
  sources: Site['sources'];
  label: string | null;
}

/** Every option of every target: their fallbacks are the one place the defaults live. */
const ALL: readonly TargetOption[] = [
  interfaceOption,
  hookOption,
  iptablesPosition,
  nftTableOption,
  fromZoneOption,
  toZoneOption,
  proxyOption,
  pacRouteOption,
  fortiInterface('srcintf', 'Source interface', ''),
  fortiInterface('dstintf', 'Destination interface', ''),
  pfsenseImportOption,
  panosReference('log-setting', 'logSetting', '', '', 63),
  panosReference('profile-group', 'profileGroup', '', '', 63),
  panosReference('device-group', 'deviceGroup', '', '', 31),
  setTimeoutOption,
  asaAclName(),
  asaNameif(),
] as readonly TargetOption[];

/** A Site with every option at its fallback. */
export function defaultSite(base: SiteBase): Site {
  const site: Record<string, unknown> = { ...base };
  for (const o of ALL) site[o.field] = o.fallback === null ? null : o.parse(o.fallback, o.name);
  return site as unknown as Site;
}

/**
 * The Site for one target: the defaults, then each of the target's options given in
 * `given` (text by option name). `labelOf` words an option for error messages (a flag,
 * a profile field, the app's label). An option the target does not declare is refused.
 */
export function siteFor(
  target: { id: TargetId; options: readonly TargetOption[] },
  base: SiteBase,
  given: Readonly<Record<string, string>>,
  labelOf: (o: Pick<TargetOption, 'name' | 'label'>) => string,
): Site {
  const site: Record<string, unknown> = { ...defaultSite(base) };
  for (const o of target.options) {
    const text = given[o.name] ?? o.fallback;
    if (text !== null) site[o.field] = o.parse(text, labelOf(o));
    else if (o.required) throw new SiteOptionError(`${labelOf(o)} is needed for ${target.id}: ${o.help}`);
  }
  for (const name of Object.keys(given)) {
    if (!target.options.some((o) => o.name === name)) {
      const label = labelOf({ name, label: name });
      throw new SiteOptionError(`${label} does not apply to ${target.id}; its settings: ${target.options.map((o) => o.name).join(', ') || 'none'}`);
    }
  }
  return site as unknown as Site;
}

/**
 * The name of something that already exists on the PAN-OS firewall or Panorama (a log
 * forwarding profile, a security profile group, a device group): none by default. PAN-OS
 * names hold letters, digits, spaces, periods, hyphens and underscores, and the target
 * writes them in quotes or XML where they have a space.
 */
export function panosReference<F extends 'logSetting' | 'profileGroup' | 'deviceGroup'>(
  name: string,
  field: F,
  label: string,
  help: string,
  max: number,
): TargetOption<F> {
  const pattern = new RegExp(`^[A-Za-z0-9](?:[A-Za-z0-9 ._-]{0,${max - 2}}[A-Za-z0-9._-])?$`);
  return {
    name,
    field,
    label,
    arg: 'name',
    help,
    fallback: null,
    parse: (text, l) => parseName(text.trim(), l, pattern, `an existing PAN-OS name: letters, digits, spaces, . _ - (${max} at most)`) as Site[F],
    show: (v) => v,
  };
}

/** The Cisco ASA access list the entries go into. An interface takes one access list per
 *  direction, so a site whose interface already has one names it here. ASA object names
 *  take 64 characters; the access list keeps to the same letters, digits, . _ - so that it
 *  needs no quoting anywhere. */
export function asaAclName(): TargetOption<'aclName'> {
  return {
    name: 'acl-name',
    field: 'aclName',
    label: 'ASA access list',
    arg: 'name',
    help: 'the ASA access list the entries go into (an existing interface access list, or a new one)',
    fallback: 'emaint-egress',
    parse: (text, label) =>
      parseName(text.trim(), label, /^[A-Za-z][A-Za-z0-9._-]{0,63}$/, 'an ASA access-list name: a letter, then letters, digits, . _ - (64 at most)'),
    show: (v) => v,
  };
}

/** The ASA interface (its nameif, up to 48 characters) the access list is bound to, inbound. */
export function asaNameif(): TargetOption<'nameif'> {
  return {
    name: 'nameif',
    field: 'nameif',
    label: 'ASA interface (nameif)',
    arg: 'nameif',
    help: "the nameif of the ASA interface the devices' traffic enters, e.g. inside",
    fallback: 'inside',
    parse: (text, label) =>
      parseName(text.trim(), label, /^[A-Za-z][A-Za-z0-9._-]{0,47}$/, 'an ASA interface nameif: a letter, then letters, digits, . _ - (48 at most)'),
    show: (v) => v,
  };
}
