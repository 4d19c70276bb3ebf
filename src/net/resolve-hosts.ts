// --resolve: looks up every planned host at render time, all at once, at the site's
// resolver. A host that fails is reported in the result, not thrown: the rest still render.
// A and AAAA are independent: a resolver that refuses AAAA still fills the IPv4 sets.
import { sortAnswers } from '../core/address-range.js';
import type { HostResolution, Resolution } from '../core/render/target.js';
import type { DnsServer } from '../core/site.js';
import { oneLine } from '../core/text.js';
import { resolveName, serverText } from './dns.js';

export async function resolveHosts(hosts: readonly string[], server: DnsServer, timeoutMs: number, now: () => Date): Promise<Resolution> {
  const at = now().toISOString();
  const results = await Promise.all(
    hosts.map(async (host): Promise<[string, HostResolution]> => {
      try {
        const r = await resolveName(host, { server, timeoutMs });
        // Sinkhole answers never go into an allow-list; split-horizon ones go in with a warning.
        const { usable, special, sinkhole } = sortAnswers(r.addresses);
        const failed = r.failures.map((f) => `${f.type}: ${f.error.rcode ?? f.error.code}`);
        const error = usable.length === 0 ? `answered only ${sinkhole.map((x) => `${x.address} (${x.range})`).join(', ')}: a DNS filter or sinkhole` : null;
        return [host, { addresses: usable, error, failed, special, sinkhole }];
      } catch (err) {
        // Remote text from the resolver: one safe line, so it can stand in a comment.
        return [host, { addresses: [], error: oneLine((err as Error).message), failed: [], special: [], sinkhole: [] }];
      }
    }),
  );
  return { server: serverText(server), at, hosts: new Map(results) };
}
