// The one interface every render target implements, and what they are given.
import type { Plan } from '../planner.js';
import type { RuleSet } from '../rules.js';
import type { Family, HostPort, NftFamily, Source } from '../site.js';
import type { TemplateSet } from './engine.js';
import { listLines } from './lines.js';
import type { TargetOption } from './options.js';

export const TARGETS = ['pfsense', 'iptables', 'nftables', 'panos', 'fortigate', 'pac', 'squid', 'csv', 'opnsense', 'asa'] as const;
export type TargetId = (typeof TARGETS)[number];

export const HOOKS = ['output', 'forward'] as const;
export type Hook = (typeof HOOKS)[number];

/**
 * Where the jump (iptables, nftables) or the security rules (PAN-OS) go in the site's
 * own rulebase. `top` by default: behind a site's final reject or drop they would never
 * be reached. `before` names an anchor in the platform's terms: an iptables rule number,
 * an nftables rule handle, a PAN-OS rule name.
 */
export type Position = { at: 'top' } | { at: 'bottom' } | { at: 'before'; anchor: string };
export const PAC_ROUTES = ['proxy', 'direct'] as const;
export type PacRoute = (typeof PAC_ROUTES)[number];
/** How the pfSense rules go in: a config.xml fragment, or bodies for the REST API package. */
export const PFSENSE_IMPORTS = ['config-xml', 'rest-api'] as const;
export type PfsenseImport = (typeof PFSENSE_IMPORTS)[number];

/** Site details, already validated (see site.ts). */
export interface Site {
  /** Networks the rules apply to; empty means any. */
  sources: Source[];
  /** Free-text site name for comments and descriptions. */
  label: string | null;
  /** pfSense / OPNsense interface the rules go on. */
  interface: string;
  /** iptables/nftables chain to jump from, or null for none. */
  hook: Hook | null;
  /** Where the jump or the rules go (iptables, nftables, PAN-OS). */
  position: Position;
  nftTable: { family: NftFamily; name: string };
  proxy: HostPort | null;
  pacRoute: PacRoute;
  /** PAN-OS zones of the security rules. */
  fromZone: string;
  toZone: string;
  /** FortiGate interfaces of the policies. */
  srcintf: string;
  dstintf: string;
  /** pfSense: the file to write for the import path. */
  pfsenseImport: PfsenseImport;
  /** PAN-OS: the log forwarding profile and security profile group the rules name; null: none. */
  logSetting: string | null;
  profileGroup: string | null;
  /** PAN-OS: the Panorama device group the objects and pre-rules go in; null: the firewall itself. */
  deviceGroup: string | null;
  /** Seconds an address stays in an iptables/nftables set once nothing renews it; null: never expires. */
  addressTimeout: number | null;
  /** Cisco ASA access list the entries go into, and the interface (nameif) it is bound to. */
  aclName: string;
  nameif: string;
}

export interface ResolvedAddress {
  address: string;
  family: Family;
  ttl: number;
}

/** Addresses found at render time (`--resolve`), for targets that need addresses. */
export interface Resolution {
  /** The resolver asked, `ip:port`. */
  server: string;
  /** ISO time of the lookups. */
  at: string;
  hosts: ReadonlyMap<string, HostResolution>;
}

/** What --resolve found for one host. */
export interface HostResolution {
  /** The addresses that go into the sets (never a sinkhole answer). */
  addresses: ResolvedAddress[];
  /** Why there are none, one safe line; null when the lookup worked. */
  error: string | null;
  /** Record types that failed while the other answered, e.g. "AAAA: REFUSED". */
  failed: string[];
  /** Answers in the sets that point at split-horizon DNS (private, loopback, ...). */
  special: { address: string; range: string }[];
  /** Answers left out: 0.0.0.0, multicast, broadcast, reserved (a DNS filter's answer). */
  sinkhole: { address: string; range: string }[];
}

export interface Meta {
  tool: string;
  toolVersion: string;
  /** ISO time written into the header (SOURCE_DATE_EPOCH makes it reproducible). */
  generatedAt: string;
}

export interface RenderInput {
  plan: Plan;
  rules: RuleSet;
  /** The same plan in exact mode, for targets that cannot take wildcards. */
  exact: RuleSet;
  site: Site;
  meta: Meta;
  resolution: Resolution | null;
}

export interface RenderedFile {
  /** File name, without folder. */
  name: string;
  content: string;
  /** One line: how to apply it. */
  apply: string;
}

/** A file a target can write: its name (unique across targets, so several targets can share
 *  a folder), and how to apply it at the target's default settings. */
export interface TargetFile {
  readonly name: string;
  readonly apply: string;
}

export interface RenderOutput {
  files: RenderedFile[];
  warnings: string[];
}

export interface Target {
  id: TargetId;
  /** One line for help and errors. */
  title: string;
  /** Whether `--resolve` means anything for it (address-based targets). */
  usesAddresses: boolean;
  /** Whether it can express wildcard domains (pfSense cannot: it uses the exact hosts). */
  takesWildcards: boolean;
  /** Its own settings (options.ts): flags, profiles and the app are derived from them. */
  options: readonly TargetOption[];
  /** Every file it can write, with how to apply it at its default settings: the report
   *  (`report --rules`) names the files in a folder from these. Its render writes no other. */
  files: readonly TargetFile[];
  render(input: RenderInput, templates: TemplateSet): RenderOutput;
}

/** The base name of every generated file. */
export const BASENAME = 'emaint-egress';

/** The header every generated file starts with, as plain lines (each target comments them). */
export function headerLines(input: RenderInput, extra: readonly string[] = []): string[] {
  const { plan, rules, site, meta } = input;
  const lines = [
    `${meta.tool} ${meta.toolVersion} — generated — do not edit by hand`,
    `catalogue ${plan.catalogueVersion}; agents: ${plan.agents.join(', ')}${plan.options.length ? ` (options: ${plan.options.join(', ')})` : ''}`,
    ...listLines(`mode: ${rules.mode}; iot-port: ${rules.iotPort}; sources:`, site.sources.length ? site.sources.map((s) => s.cidr) : ['any']),
    `generated: ${meta.generatedAt}`,
  ];
  if (site.label !== null) lines.push(`site: ${site.label}`);
  // The site's own endpoints are named as such, apart from the catalogue's agents.
  if (plan.endpoints.length > 0)
    lines.push(
      ...listLines(
        'site-specific endpoints (not in the Canon catalogue):',
        plan.endpoints.map((e) => e.host),
      ),
    );
  lines.push(...extra);
  for (const w of rules.warnings) lines.push(`warning: ${w}`);
  return lines;
}
