// Turns the render command's flags into a validated RenderRequest. Every problem is a
// UsageError or SiteOptionError: one line, naming the valid values, exit code 2.
import { HOOKS, PAC_ROUTES, type PacRoute, type Position, type Site, TARGETS, type TargetId } from '../core/render/target.js';
import { IOT_PORTS, type IotPort, MODES, type Mode } from '../core/rules.js';
import { type DnsServer, parseDnsServer, parseHostPort, parseLabel, parseName, parseNftTable, parseSources } from '../core/site.js';
import { quoteValue } from '../core/text.js';
import { UsageError } from './exit-codes.js';

export interface RenderFlags {
  target?: string;
  out?: string;
  force?: boolean;
  source?: string;
  mode?: string;
  iotPort?: string;
  site?: string;
  interface?: string;
  hook?: string;
  position?: string;
  nftTable?: string;
  fromZone?: string;
  toZone?: string;
  proxy?: string;
  pacRoute?: string;
  resolve?: boolean;
  dnsServer?: string;
}

/** Which target each target-specific flag belongs to. */
const ONLY_FOR: Partial<Record<keyof RenderFlags, { flag: string; targets: TargetId[] }>> = {
  interface: { flag: '--interface', targets: ['pfsense'] },
  hook: { flag: '--hook', targets: ['iptables', 'nftables'] },
  position: { flag: '--position', targets: ['iptables', 'nftables', 'panos'] },
  nftTable: { flag: '--nft-table', targets: ['nftables'] },
  fromZone: { flag: '--from-zone', targets: ['panos'] },
  toZone: { flag: '--to-zone', targets: ['panos'] },
  pacRoute: { flag: '--pac-route', targets: ['pac'] },
  proxy: { flag: '--proxy', targets: ['pac'] },
  resolve: { flag: '--resolve', targets: ['iptables', 'nftables'] },
  dnsServer: { flag: '--dns-server', targets: ['iptables', 'nftables'] },
};

function choice<T extends string>(value: string | undefined, option: string, valid: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  const v = value.toLowerCase();
  if (!(valid as readonly string[]).includes(v)) throw new UsageError(`${option}: ${quoteValue(value)} is not valid; valid: ${valid.join(', ')}`);
  return v as T;
}

export interface ParsedRender {
  target: TargetId;
  mode: Mode;
  iotPort: IotPort;
  site: Site;
  /** The --dns-server to resolve with, or 'system' for /etc/resolv.conf, or null without --resolve. */
  resolve: DnsServer | 'system' | null;
}

export function parseRenderFlags(flags: RenderFlags): ParsedRender {
  if (flags.target === undefined) throw new UsageError(`missing --target <target>; valid: ${TARGETS.join(', ')}`);
  const target = choice(flags.target, '--target', TARGETS, 'pfsense');
  for (const [key, rule] of Object.entries(ONLY_FOR)) {
    if (flags[key as keyof RenderFlags] !== undefined && !rule.targets.includes(target)) {
      throw new UsageError(`${rule.flag} applies to --target ${rule.targets.join(' or ')}, not ${target}`);
    }
  }
  if (flags.dnsServer !== undefined && !flags.resolve) throw new UsageError('--dns-server is used by --resolve; add --resolve or drop --dns-server');
  const site: Site = {
    sources: flags.source === undefined ? [] : parseSources(flags.source),
    label: flags.site === undefined ? null : parseLabel(flags.site),
    // pfSense's filter code drops a rule whose interface is not an internal name ("LAN" is
    // a description): accept only lan, wan and optN, as config.xml spells them.
    interface: parseName(
      flags.interface ?? 'lan',
      '--interface',
      /^(lan|wan|opt[1-9][0-9]{0,3})$/,
      "pfSense's internal interface name: lan, wan or optN (Interfaces > Assignments; not the description)",
    ),
    hook: flags.hook === undefined ? null : choice(flags.hook, '--hook', HOOKS, 'forward'),
    position: parsePosition(flags.position, target),
    nftTable: parseNftTable(flags.nftTable ?? 'inet filter'),
    proxy: flags.proxy === undefined ? null : parseHostPort(flags.proxy, '--proxy'),
    pacRoute: choice<PacRoute>(flags.pacRoute, '--pac-route', PAC_ROUTES, 'proxy'),
    fromZone: parseName(flags.fromZone ?? 'any', '--from-zone', /^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$/, 'a PAN-OS zone name (letters, digits, . _ -) or any'),
    toZone: parseName(flags.toZone ?? 'any', '--to-zone', /^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$/, 'a PAN-OS zone name (letters, digits, . _ -) or any'),
  };
  return {
    target,
    mode: choice(flags.mode, '--mode', MODES, 'exact'),
    iotPort: choice(flags.iotPort, '--iot-port', IOT_PORTS, 'both'),
    site,
    resolve: !flags.resolve ? null : flags.dnsServer === undefined ? 'system' : parseDnsServer(flags.dnsServer),
  };
}

/** What `before:` names on each platform that takes a position. */
const ANCHORS: Partial<Record<TargetId, { pattern: RegExp; what: string }>> = {
  iptables: { pattern: /^[1-9]\d{0,5}$/, what: 'an iptables rule number (iptables -L --line-numbers)' },
  nftables: { pattern: /^[1-9]\d{0,9}$/, what: 'an nftables rule handle (nft -a list chain)' },
  panos: { pattern: /^[A-Za-z0-9][A-Za-z0-9._ -]{0,62}$/, what: 'the name of an existing PAN-OS security rule' },
};

/** `--position top|bottom|before:<anchor>`; top by default. */
function parsePosition(value: string | undefined, target: TargetId): Position {
  if (value === undefined || value.toLowerCase() === 'top') return { at: 'top' };
  if (value.toLowerCase() === 'bottom') return { at: 'bottom' };
  const anchor = ANCHORS[target];
  const m = /^before:(.+)$/i.exec(value);
  if (anchor && m?.[1] !== undefined && anchor.pattern.test(m[1])) return { at: 'before', anchor: m[1] };
  throw new UsageError(`--position: ${quoteValue(value)} is not valid; valid: top, bottom, before:<${anchor?.what ?? 'anchor'}>`);
}
