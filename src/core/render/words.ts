// Shared wording for the comments and descriptions that say why a rule exists, and the
// object names the platforms take.
import { createHash } from 'node:crypto';
import type { Destination, Rule } from '../rules.js';

const ports = (list: readonly number[]) => list.map((p) => `tcp/${p}`).join(', ');

/** What a site endpoint's comments say, so no one takes it for one of Canon's. */
export const SITE_SPECIFIC = 'site-specific (not in the Canon catalogue)';

/** "for cca, backup", or for a site endpoint's rules (no agents) "site-specific, not in ...". */
export function forWhom(x: { agents: readonly string[] }): string {
  return x.agents.length > 0 ? `for ${x.agents.join(', ')}` : SITE_SPECIFIC;
}

/** A port group's objects: "eMaintenance hosts on tcp/443 for cca", "Site-specific hosts on
 *  tcp/8443 (not in the Canon catalogue)" (`what` is "hosts", "egress", ...). */
export function groupText(g: { site: boolean; agents: readonly string[] }, what: string, ports: string, label = ''): string {
  return g.site
    ? `Site-specific ${what} on ${ports} (not in the Canon catalogue)${label}`
    : `eMaintenance ${what} on ${ports} for ${g.agents.join(', ')}${label}`;
}

/** "tcp/443 for cca, backup", plus the reasons an engineer must know; a site endpoint's
 *  says so, why the site needs it and who asked. */
export function describeFlows(d: Destination | Rule): string {
  const list = 'ports' in d ? d.ports : [d.port];
  if (d.site !== null) return `${ports(list)} ${SITE_SPECIFIC}: ${d.site.reason}; asked by ${d.site.requestedBy}`;
  const parts = [`${ports(list)} for ${d.agents.join(', ')}`];
  if (d.kind === 'wildcard') parts.push(`vendor wildcard for ${d.hosts.length} planned host${d.hosts.length === 1 ? '' : 's'}`);
  if (d.clientCertificate) parts.push('client-certificate TLS: exempt from TLS inspection');
  if ('portStated' in d && !d.portStated) parts.push('port assumed: the document names no port');
  return parts.join('; ');
}

/** "host: tcp/443 for cca, ...": the comment above a rule, set or PAC line. */
export function why(d: Destination | Rule): string {
  return `${d.name}: ${describeFlows(d)}`;
}

/** The short comment kept with a netfilter rule in the kernel (iptables -S, nft list). */
export function ruleComment(r: Rule): string {
  return `emaint-egress: ${r.name} tcp/${r.port} ${r.site === null ? `for ${r.agents.join(',')}` : 'site-specific'}`;
}

/** Short, unique, readable names for per-destination sets: `<prefix>NN<sep><slug>`, at most
 *  `max` long. NN has two digits, or three from the 100th name on (100 site endpoints and the
 *  catalogue's hosts), all of a list alike. */
export function setNames(names: readonly string[], prefix: string, sep: string, max: number): string[] {
  const digits = Math.max(2, String(names.length).length);
  return names.map((name, i) => {
    const head = `${prefix}${String(i + 1).padStart(digits, '0')}`;
    const slug = name
      .replace(/^\*\./, '')
      .replace(/[^a-z0-9]+/gi, sep)
      .toLowerCase();
    return `${head}${sep}${slug}`.slice(0, max).replace(new RegExp(`[${sep === '-' ? '\\-' : sep}]+$`), '');
  });
}

/** An object name of letters, digits, . _ - from `text`, at most `max` long: a longer one is
 *  cut and given a hash of the whole, so two long names never meet (PAN-OS, FortiOS: 63). */
export function objectName(text: string, max = 63): string {
  const clean = text.replace(/[^A-Za-z0-9._-]/g, '-');
  if (clean.length <= max) return clean;
  return `${clean.slice(0, max - 9)}-${shortHash(text)}`;
}

/** A pf alias name (pfSense's and OPNsense's: pf keeps 31 characters of a table's name):
 *  `prefix` and `suffix`, or where that passes 31 characters, `prefix` and a hash of the suffix. */
export function pfAliasName(prefix: string, suffix: string): string {
  const name = `${prefix}${suffix}`;
  return name.length <= 31 ? name : `${prefix}${shortHash(suffix)}`;
}

/** 8 hex digits of the text's SHA-256: names two long texts apart within a short limit. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
