// What the PAN-OS target configures, once, for both of its files (the CLI `set` commands
// and the XML API elements): objects, security rules, their App-IDs and placement, and
// where each goes (a firewall's vsys, or a Panorama device group and its pre-rules).
import { type Destination, portGroups } from '../rules.js';
import { RenderError } from './engine.js';
import { chunks } from './lines.js';
import type { RenderInput } from './target.js';
import { forWhom, groupText, objectName, why } from './words.js';

/**
 * Object names as PAN-OS documents them: at most 63 characters of letters, numbers,
 * spaces, hyphens and underscores ("Addresses Fields", docs.paloaltonetworks.com). A
 * period is not among them, so host names are written with `_` for `.`.
 */
export const PANOS_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** A valid PAN-OS object name from `text`: a longer one is cut and given a hash of the whole. */
export const panosName = (text: string): string => objectName(text.replace(/[^A-Za-z0-9_-]/g, '_'));

/** Members per `set address-group ... static [ ... ]` line: `set` adds to a member list,
 *  so a group of 500 is written in parts and every line stays short. */
const MEMBERS_PER_LINE = 40;

/** PAN-OS keeps 1023 characters of a description, 255 of a custom URL category's. */
const DESCRIPTION_MAX = 1023;
const CATEGORY_DESCRIPTION_MAX = 255;

/**
 * App-IDs per planned port, from Palo Alto's Applipedia: TLS the firewall does not decrypt
 * is `ssl`; decrypted HTTPS is `web-browsing`; decrypted MQTT (8883, MQTT over TLS) is
 * `mqtt`. The rules keep their services to the planned ports rather than
 * application-default, which for `ssl` does not include 8883.
 */
const PORT_APPS: Readonly<Record<number, readonly string[]>> = { 443: ['ssl', 'web-browsing'], 8883: ['mqtt', 'ssl'] };
/** Applipedia's App-ID for AWS IoT Core: the IoT endpoint's sessions may be named so. */
const AWS_IOT_APP = 'aws-iot';
const AWS_IOT_ENDPOINT = /\.iot\.[a-z0-9-]+\.amazonaws\.com$/;

/** Cuts `text` to at most `bytes` UTF-8 bytes without splitting a character. */
function clip(text: string, bytes: number): string {
  const encoder = new TextEncoder();
  let out = '';
  let used = 0;
  for (const ch of text) {
    used += encoder.encode(ch).length;
    if (used > bytes) break;
    out += ch;
  }
  return out;
}

export type Members = string[] | 'any';

export interface PanosRule {
  name: string;
  why: string;
  destination: Members;
  applications: Members;
  services: string[];
  category: Members;
  descr: string;
}

export interface PanosMove {
  name: string;
  where: 'top' | 'bottom' | 'before';
  before: string | null;
}

/** Where the configuration goes: a firewall's vsys, or a Panorama device group. */
export interface PanosLocation {
  deviceGroup: string | null;
  /** The XML API xpath of the vsys or the device group. */
  xpath: string;
  /** What comes after `set ` and `move ` in the CLI: '' or `device-group NAME `. */
  cli: string;
  rulebase: 'rulebase' | 'pre-rulebase';
}

export interface PanosConfig {
  location: PanosLocation;
  sources: { name: string; cidr: string; descr: string }[];
  sourceGroup: { name: string; members: string[][]; descr: string } | null;
  addresses: { name: string; host: string; why: string }[];
  groups: { name: string; members: string[][]; descr: string }[];
  services: { name: string; port: number }[];
  category: { name: string; entries: string[]; why: string; descr: string } | null;
  rules: PanosRule[];
  source: Members;
  fromZone: string;
  toZone: string;
  logSetting: string | null;
  profileGroup: string | null;
  moves: PanosMove[];
  /** One line on where the rules end up in the rulebase. */
  placement: string;
  warnings: string[];
}

/** A name in the CLI: bare, or in double quotes when it has a space. */
export function cliName(name: string): string {
  return name.includes(' ') ? `"${name}"` : name;
}

export function panosLocation(deviceGroup: string | null): PanosLocation {
  const device = "/config/devices/entry[@name='localhost.localdomain']";
  if (deviceGroup === null) return { deviceGroup, xpath: `${device}/vsys/entry[@name='vsys1']`, cli: '', rulebase: 'rulebase' };
  return { deviceGroup, xpath: `${device}/device-group/entry[@name='${deviceGroup}']`, cli: `device-group ${cliName(deviceGroup)} `, rulebase: 'pre-rulebase' };
}

/** The App-IDs of a rule that opens `ports` to `hosts`, or any with a warning for a port none is known for. */
function applications(ports: readonly number[], hosts: readonly string[], warnings: string[], rule: string): Members {
  const apps = new Set<string>();
  for (const port of ports) {
    const known = PORT_APPS[port];
    if (!known) {
      warnings.push(`PAN-OS rule ${rule}: no App-ID is known for tcp/${port}, so it allows any application on its planned ports`);
      return 'any';
    }
    for (const a of known) apps.add(a);
  }
  if (hosts.some((h) => AWS_IOT_ENDPOINT.test(h))) apps.add(AWS_IOT_APP);
  return [...apps].sort();
}

export function panosConfig(input: RenderInput): PanosConfig {
  const { rules, site } = input;
  const label = site.label === null ? '' : ` (${site.label})`;
  const warnings: string[] = [];
  const location = panosLocation(site.deviceGroup);

  // URL categories match web traffic: wildcard rules on 443 use one; others stay exact.
  const byName = new Map(input.exact.destinations.map((d) => [d.name, d]));
  const urlRules = rules.rules.filter((r) => r.kind === 'wildcard' && r.port === 443);
  const exact = new Map<string, Destination>();
  for (const r of rules.rules) {
    if (r.kind === 'wildcard' && r.port === 443) continue;
    if (r.kind === 'wildcard')
      warnings.push(`${r.name} on tcp/${r.port}: URL categories match web traffic only, so PAN-OS allows its ${r.hosts.length} planned host(s) by name`);
    for (const h of r.hosts) {
      const d = byName.get(h);
      if (!d) continue;
      const seen = exact.get(h);
      const ports = [...new Set([...(seen?.ports ?? []), r.port])].sort((a, b) => a - b);
      exact.set(h, { ...d, ports });
    }
  }
  const exactSet = { ...input.exact, destinations: [...exact.values()] };

  const sourceDescr = clip(`eMaintenance devices and agent hosts${label}`, DESCRIPTION_MAX);
  const sources = site.sources.map((s, i) => ({ name: `emaint-src-${i + 1}`, cidr: s.cidr, descr: sourceDescr }));
  const sourceGroup =
    sources.length > 0
      ? {
          name: 'emaint-sources',
          members: chunks(
            sources.map((s) => s.name),
            MEMBERS_PER_LINE,
          ),
          descr: sourceDescr,
        }
      : null;
  const addresses = exactSet.destinations.map((d) => ({ name: panosName(`emaint-${d.name}`), host: d.name, why: clip(why(d), DESCRIPTION_MAX) }));
  const names = new Set(addresses.map((a) => a.name));
  if (names.size !== addresses.length) throw new RenderError('PAN-OS: two host names give the same object name');
  const addressOf = new Map(addresses.map((a) => [a.host, a.name]));
  const ports = (list: readonly number[]) => list.map((p) => `tcp/${p}`).join(', ');
  // The site's own endpoints get groups and rules of their own, named as such.
  const groups = portGroups(exactSet).map((g) => ({
    ...g,
    name: panosName(`emaint-${g.site ? 'site-' : ''}hosts-tcp-${g.ports.join('-')}`),
    members: chunks(
      g.destinations.map((d) => addressOf.get(d.name) ?? ''),
      MEMBERS_PER_LINE,
    ),
    descr: clip(groupText(g, 'hosts', ports(g.ports), label), DESCRIPTION_MAX),
  }));
  const servicePorts = [...new Set([...groups.flatMap((g) => g.ports), ...(urlRules.length ? [443] : [])])].sort((a, b) => a - b);
  const category =
    urlRules.length > 0
      ? {
          name: 'emaint-wildcards',
          entries: urlRules.map((r) => `${r.name}/`),
          why: `vendor wildcards: ${urlRules.map((r) => r.name).join(', ')}`,
          descr: clip(`eMaintenance vendor wildcard domains${label}`, CATEGORY_DESCRIPTION_MAX),
        }
      : null;

  const ruleViews: PanosRule[] = groups.map((g) => {
    const name = panosName(`emaint-${g.site ? 'site' : 'egress'}-tcp-${g.ports.join('-')}`);
    return {
      name,
      destination: [g.name],
      applications: applications(
        g.ports,
        g.destinations.map((d) => d.name),
        warnings,
        name,
      ),
      services: g.ports.map((p) => `emaint-tcp-${p}`),
      category: 'any',
      why: `${g.destinations.length} host(s) on ${ports(g.ports)} ${forWhom(g)}`,
      descr: clip(
        (g.site
          ? `Site-specific egress${label}: ${ports(g.ports)} (not in the Canon catalogue)`
          : `eMaintenance egress${label}: ${ports(g.ports)} for ${g.agents.join(', ')}`) +
          (g.destinations.some((d) => d.clientCertificate) ? '; client-certificate TLS: exclude from decryption' : ''),
        DESCRIPTION_MAX,
      ),
    };
  });
  if (category) {
    const agents = input.rules.agents.filter((a) => urlRules.some((r) => r.agents.includes(a)));
    const name = 'emaint-egress-wildcards';
    ruleViews.unshift({
      name,
      destination: 'any',
      applications: applications(
        [443],
        urlRules.flatMap((r) => r.hosts),
        warnings,
        name,
      ),
      services: ['emaint-tcp-443'],
      category: [category.name],
      why: `vendor wildcard domains on tcp/443 for ${agents.join(', ')}`,
      descr: clip(`eMaintenance egress${label}: vendor wildcard domains on tcp/443 for ${agents.join(', ')}`, DESCRIPTION_MAX),
    });
  }

  // New rules land at the bottom of the rulebase, below any deny-all: move them. Moving
  // each to the top in reverse order keeps their own order; before an anchor, in order.
  const position = site.position;
  const ruleNames = ruleViews.map((r) => r.name);
  const moves: PanosMove[] =
    position.at === 'top'
      ? [...ruleNames].reverse().map((name) => ({ name, where: 'top', before: null }))
      : position.at === 'bottom'
        ? ruleNames.map((name) => ({ name, where: 'bottom', before: null }))
        : ruleNames.map((name) => ({ name, where: 'before', before: position.anchor }));
  const rulebase = location.deviceGroup === null ? 'rulebase' : `device group's pre-rulebase`;
  const placement =
    position.at === 'top'
      ? `New rules land at the bottom, below any deny-all: these move them to the top of the ${rulebase}.`
      : position.at === 'bottom'
        ? `The rules stay at the bottom of the ${rulebase}: a deny-all above them hides them.`
        : `These move the rules before "${position.anchor}" in the ${rulebase}.`;

  return {
    location,
    sources,
    sourceGroup,
    addresses,
    groups: groups.map((g) => ({ name: g.name, members: g.members, descr: g.descr })),
    services: servicePorts.map((p) => ({ name: `emaint-tcp-${p}`, port: p })),
    category,
    rules: ruleViews,
    source: sourceGroup ? [sourceGroup.name] : 'any',
    fromZone: site.fromZone,
    toZone: site.toZone,
    logSetting: site.logSetting,
    profileGroup: site.profileGroup,
    moves,
    placement,
    warnings,
  };
}
