// Turns the render command's flags into a validated RenderRequest. Every problem is a
// UsageError or SiteOptionError: one line, naming the valid values, exit code 2. The
// target-specific flags are the targets' own option declarations (core/render/options.ts).
import { targets } from '../core/render/index.js';
import { type TargetOption, siteFor } from '../core/render/options.js';
import { type Site, TARGETS, type TargetId } from '../core/render/target.js';
import { DEFAULT_IOT_PORT, DEFAULT_MODE, IOT_PORTS, type IotPort, MODES, type Mode } from '../core/rules.js';
import { type DnsServer, parseDnsServer, parseLabel, parseSources } from '../core/site.js';
import { quoteValue } from '../core/text.js';
import { UsageError } from './exit-codes.js';

/** The flags every target shares; a target's own options come in as `optionKey(name)`. */
export interface RenderFlags {
  target?: string;
  out?: string;
  force?: boolean;
  source?: string;
  mode?: string;
  iotPort?: string;
  site?: string;
  resolve?: boolean;
  dnsServer?: string;
  [option: string]: string | boolean | undefined;
}

/** Commander's key for `--nft-table`: nftTable. */
export function optionKey(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** A target option as the command line words it. */
export const flagOf = (o: Pick<TargetOption, 'name'>): string => `--${o.name}`;

/** The flag of a field a core error names (FieldError): the site's fields, or a target option. */
const FIELD_FLAGS: Readonly<Record<string, string>> = { sources: '--source', iotPort: '--iot-port', dnsServer: '--dns-server', mode: '--mode', site: '--site' };
export function flagOfField(field: string): string {
  return FIELD_FLAGS[field] ?? `--${field}`;
}

/** Every target option once (by name), with the targets that declare it, in TARGETS order. */
export function targetOptions(): { name: string; targets: TargetId[]; declared: TargetOption[] }[] {
  const byName = new Map<string, { name: string; targets: TargetId[]; declared: TargetOption[] }>();
  for (const t of TARGETS) {
    for (const o of targets[t].options) {
      const entry = byName.get(o.name) ?? { name: o.name, targets: [], declared: [] };
      entry.targets.push(t);
      entry.declared.push(o);
      byName.set(o.name, entry);
    }
  }
  return [...byName.values()];
}

/** Flags that only address-based targets (iptables, nftables) take. */
const ADDRESS_FLAGS = [
  ['resolve', '--resolve'],
  ['dnsServer', '--dns-server'],
] as const;

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
  const given: Record<string, string> = {};
  for (const o of targetOptions()) {
    const value = flags[optionKey(o.name)];
    if (value === undefined) continue;
    if (!o.targets.includes(target)) throw new UsageError(`--${o.name} applies to --target ${o.targets.join(' or ')}, not ${target}`);
    given[o.name] = String(value);
  }
  const addresses = TARGETS.filter((t) => targets[t].usesAddresses);
  for (const [key, flag] of ADDRESS_FLAGS) {
    if (flags[key] !== undefined && !targets[target].usesAddresses)
      throw new UsageError(`${flag} applies to --target ${addresses.join(' or ')}, not ${target}`);
  }
  if (flags.dnsServer !== undefined && !flags.resolve) throw new UsageError('--dns-server is used by --resolve; add --resolve or drop --dns-server');
  const base = {
    sources: flags.source === undefined ? [] : parseSources(flags.source),
    label: flags.site === undefined ? null : parseLabel(flags.site),
  };
  return {
    target,
    mode: choice(flags.mode, '--mode', MODES, DEFAULT_MODE),
    iotPort: choice(flags.iotPort, '--iot-port', IOT_PORTS, DEFAULT_IOT_PORT),
    site: siteFor(targets[target], base, given, flagOf),
    resolve: !flags.resolve ? null : flags.dnsServer === undefined ? 'system' : parseDnsServer(flags.dnsServer),
  };
}
