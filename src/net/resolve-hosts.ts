// --resolve: looks up every planned host at render time, all at once, at the site's
// resolver. A host that fails is reported in the result, not thrown: the rest still render.
// A and AAAA are independent: a resolver that refuses AAAA still fills the IPv4 sets.
import type { Resolution, ResolvedAddress } from '../core/render/target.js';
import type { DnsServer } from '../core/site.js';
import { resolveName, serverText } from './dns.js';

export async function resolveHosts(hosts: readonly string[], server: DnsServer, timeoutMs: number, now: () => Date): Promise<Resolution> {
  const at = now().toISOString();
  const results = await Promise.all(
    hosts.map(async (host): Promise<[string, { addresses: ResolvedAddress[]; error: string | null; failed: string[] }]> => {
      try {
        const r = await resolveName(host, { server, timeoutMs });
        return [host, { addresses: r.addresses, error: null, failed: r.failures.map((f) => `${f.type}: ${f.error.rcode ?? f.error.code}`) }];
      } catch (err) {
        return [host, { addresses: [], error: (err as Error).message, failed: [] }];
      }
    }),
  );
  return { server: serverText(server), at, hosts: new Map(results) };
}
