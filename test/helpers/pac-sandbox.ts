// What the PAC sandbox tests hand loadPac: the sandbox's files as the check reads them (the
// package's quickjs.wasm, the built worker: `npm test` builds first) and a resolver that is
// a function of the test, never the network.
import type { LookupOutcome, Resolver } from '../../src/net/check/lookup.js';
import { pacEngineBytes, pacWorker } from '../../src/io/shipped.js';

export const PAC_FILES = { engine: pacEngineBytes, worker: pacWorker };

/** A resolver of fixed answers that records the names it was asked. */
export function fakeResolver(table: Record<string, string[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolver = async (host: string): Promise<LookupOutcome> => {
    asked.push(host);
    const addresses = table[host];
    const finding = { server: 'x', port: 53, chain: [host], ttl: addresses ? 1 : null, sinkhole: [], failures: [], special: [] };
    if (!addresses) return { ok: false, problem: 'no-such-name', detail: `${host}: NXDOMAIN`, finding, ms: 0 };
    return { ok: true, addresses: addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })), finding, ms: 0 };
  };
  return Object.assign(resolver, { asked });
}
