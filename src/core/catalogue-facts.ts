// What the tool asks of a catalogue beyond its types, without its validator (zod): the host
// name rule, the hosts it names, and version order. catalogue.ts re-exports these.
import type { Catalogue } from './catalogue.js';

// A DNS name as firewalls and PAC files accept it: lower-case LDH labels only,
// so no entry can smuggle wildcards, spaces or quotes into generated rules.
export const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
export const HOST_RE = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})+$`);

/** True for a lower-case DNS name with at least two labels, as catalogue hosts are written. */
export function isHostName(text: string): boolean {
  return HOST_RE.test(text);
}

/** Every host any agent or option of the catalogue names. */
export function catalogueHosts(catalogue: Catalogue): Set<string> {
  return new Set(catalogue.agents.flatMap((a) => [...a.endpoints, ...(a.options ?? []).flatMap((o) => o.endpoints)].map((e) => e.host)));
}

/** -1, 0 or 1 as version `a` is older than, equal to or newer than `b` (MAJOR.MINOR.PATCH). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
