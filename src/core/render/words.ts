// Shared wording for the comments and descriptions that say why a rule exists, and the
// object names the platforms take.
import { createHash } from 'node:crypto';
import type { Destination, Rule } from '../rules.js';

const ports = (list: readonly number[]) => list.map((p) => `tcp/${p}`).join(', ');

/** "tcp/443 for cca, backup", plus the reasons an engineer must know. */
export function describeFlows(d: Destination | Rule): string {
  const list = 'ports' in d ? d.ports : [d.port];
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
  return `emaint-egress: ${r.name} tcp/${r.port} for ${r.agents.join(',')}`;
}

/** Short, unique, readable names for per-destination sets: `<prefix>NN<sep><slug>`, at most `max` long. */
export function setNames(names: readonly string[], prefix: string, sep: string, max: number): string[] {
  return names.map((name, i) => {
    const head = `${prefix}${String(i + 1).padStart(2, '0')}`;
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
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return `${clean.slice(0, max - 9)}-${hash}`;
}
